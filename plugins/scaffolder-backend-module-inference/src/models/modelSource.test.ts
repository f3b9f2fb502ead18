import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ModelSource, readModelSourceSettings } from './modelSource';

// eslint-disable-next-line no-restricted-syntax -- tests run from source
const FIXTURES = path.resolve(
  __dirname,
  '../../../inference-common/src/planner/__fixtures__/hf-configs',
);

/** A hub in miniature: the fixtures at /<org>/<model>/resolve/<revision>/config.json, a gated model, a slow one. */
async function startHub() {
  const requests: Array<{ url: string; authorization?: string }> = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url!, authorization: req.headers.authorization });
    const match = /^\/([^/]+)\/([^/]+)\/resolve\/([^/]+)\/config\.json$/.exec(
      req.url!,
    );
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const [, org, name, revision] = match;
    if (org === 'gated' && req.headers.authorization !== 'Bearer hf_secret') {
      res.writeHead(401).end();
      return;
    }
    if (org === 'slow') return; // never answers
    const file = path.join(FIXTURES, `${org}__${name}.json`);
    if (revision !== 'main' || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(fs.readFileSync(file));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, requests, server };
}

describe('ModelSource', () => {
  let hub: Awaited<ReturnType<typeof startHub>>;
  beforeAll(async () => {
    hub = await startHub();
  });
  afterAll(() => {
    hub.server.closeAllConnections();
    hub.server.close();
  });

  const sourceFor = (settings: object, now?: () => number) =>
    new ModelSource(
      readModelSourceSettings(
        new ConfigReader({ inference: { modelSource: settings } }),
      ),
      fetch,
      now,
    );

  it("fetches a model's config.json in the hub's URL layout, once per cache period", async () => {
    let now = 0;
    const source = sourceFor({ baseUrl: `${hub.baseUrl}/` }, () => now);
    const config: any = await source.configOf('Qwen/Qwen2.5-7B');
    expect(config.model_type).toBe('qwen2');
    await source.configOf('Qwen/Qwen2.5-7B');
    expect(
      hub.requests.filter(r => r.url.startsWith('/Qwen/Qwen2.5-7B/')),
    ).toEqual([{ url: '/Qwen/Qwen2.5-7B/resolve/main/config.json' }]);
    now += 3601_000;
    await source.configOf('Qwen/Qwen2.5-7B');
    expect(
      hub.requests.filter(r => r.url.startsWith('/Qwen/Qwen2.5-7B/')),
    ).toHaveLength(2);
  });

  it('sends the token for a gated model, and says what to set without it', async () => {
    await expect(
      sourceFor({ baseUrl: hub.baseUrl }).configOf('gated/model'),
    ).rejects.toThrow(/gated or private: set inference.modelSource.token/);
    await expect(
      sourceFor({ baseUrl: hub.baseUrl, token: 'hf_secret' }).configOf(
        'gated/Qwen2.5-7B',
      ),
    ).rejects.toThrow(/no such model/);
    expect(hub.requests.at(-1)?.authorization).toBe('Bearer hf_secret');
  });

  it('gives up after the timeout with a clear error, and does not cache the failure', async () => {
    const source = sourceFor({ baseUrl: hub.baseUrl, timeoutSeconds: 0.3 });
    await expect(source.configOf('slow/model')).rejects.toThrow(
      /no answer within 0.3 s; paste it into the form instead/,
    );
    const before = hub.requests.length;
    await expect(source.configOf('slow/model')).rejects.toThrow();
    expect(hub.requests.length).toBe(before + 1);
  });

  it('refuses what is not a model id before asking anyone', async () => {
    const before = hub.requests.length;
    for (const id of ['../../etc/passwd', 'no-org', 'a/b/c', 'a/../b'])
      await expect(
        sourceFor({ baseUrl: hub.baseUrl }).configOf(id),
      ).rejects.toThrow(/is not a Hugging Face model id/);
    expect(hub.requests.length).toBe(before);
  });

  it('reads <org>/<model>/config.json from a model cache folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-cache-'));
    fs.mkdirSync(path.join(dir, 'google/gemma-2-9b-it'), { recursive: true });
    fs.copyFileSync(
      path.join(FIXTURES, 'google__gemma-2-9b-it.json'),
      path.join(dir, 'google/gemma-2-9b-it/config.json'),
    );
    const source = sourceFor({ directory: dir });
    expect(
      ((await source.configOf('google/gemma-2-9b-it')) as any).model_type,
    ).toBe('gemma2');
    await expect(source.configOf('google/other')).rejects.toThrow(
      /No config.json for this model in the model cache/,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
