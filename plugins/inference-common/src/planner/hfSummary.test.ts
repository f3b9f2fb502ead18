import fs from 'node:fs';
import path from 'node:path';
import { describeHfConfig } from './hfConfig';
import { describeHfModel } from './hfSummary';

const fixture = (file: string) =>
  JSON.parse(
    fs.readFileSync(
      // eslint-disable-next-line no-restricted-syntax -- tests run from source
      path.join(__dirname, '__fixtures__/hf-configs', file),
      'utf8',
    ),
  );

describe('describeHfModel', () => {
  it('says what a hybrid MoE config holds', () => {
    expect(
      describeHfModel(
        describeHfConfig(fixture('Qwen__Qwen3-Next-80B-A3B-Thinking.json')),
      ),
    ).toMatch(
      /^qwen3_next, 48 layers \(12 full attention, 36 linear attention\), 512 experts \(10 per token\), bf16 weights/,
    );
  });

  it('says what a dense config with sliding layers holds', () => {
    expect(
      describeHfModel(describeHfConfig(fixture('google__gemma-2-9b-it.json'))),
    ).toMatch(
      /^gemma2, 42 layers \(21 full attention, 21 sliding window\), bf16 weights/,
    );
  });
});
