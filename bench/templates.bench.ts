/*
 * Plan + render + validate per service, for the vllm-model-service template: the real `inference:plan:create`
 * action (cluster inventory served from memory instead of the backend's /clusters), the fetch step's values and the
 * skeleton rendered with nunjucks using the scaffolder's `${{ }}` syntax, files written to a workspace, and the real
 * `inference:manifests:validate` action (schemas of every kind + platform policy). Image digest lookup is left out
 * (a registry round trip) -- the catalog's pinned image is used.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nunjucks from 'nunjucks';
import yaml from 'yaml';
import { IMAGE_CATALOG, imageReference } from '../plugins/inference-common/src';
import { InferenceService } from '../plugins/inference-node/src';
import { createPlanCreateAction } from '../plugins/scaffolder-backend-module-inference/src/actions/planCreate';
import { createManifestsValidateAction } from '../plugins/scaffolder-backend-module-inference/src/actions/manifestsValidate';
import { FLEET } from '../plugins/scaffolder-backend-module-inference/src/__testUtils__/fakeInference';
import {
  argument,
  atMost,
  BenchRow,
  count,
  emit,
  ms,
  percentile,
  progress,
} from './lib/report';
import { quietLogger } from './lib/quietLogger';

const ROUNDS = argument('rounds', 25);
const templateDir = path.resolve(__dirname, '../templates/vllm-model-service');

/** Services a platform would create: small to large models, short to long contexts, auto and fixed GPU types. */
const CASES = [
  {
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    maxModelLen: 8192,
    concurrency: 16,
    gpuType: 'auto',
  },
  {
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    maxModelLen: 32768,
    concurrency: 8,
    gpuType: 'NVIDIA-L4',
  },
  {
    model: 'meta-llama/Llama-3.1-70B-Instruct',
    maxModelLen: 8192,
    concurrency: 32,
    gpuType: 'NVIDIA-H100-80GB-HBM3',
  },
  {
    model: 'Qwen/Qwen2.5-7B-Instruct',
    maxModelLen: 16384,
    concurrency: 24,
    gpuType: 'auto',
  },
  {
    model: 'gemma-2-9b',
    maxModelLen: 8192,
    concurrency: 12,
    gpuType: 'auto',
  },
];

const inventory: InferenceService = {
  getClusters: async () => FLEET as any,
  getQuotaStandings: async () => [],
  getHealth: async () => {
    throw new Error('not used');
  },
  reserveGpus: async () => {
    throw new Error('not used');
  },
  releaseReservation: async () => {
    throw new Error('not used');
  },
  getReservation: async () => undefined,
};

function actionContext(input: Record<string, unknown>, workspacePath: string) {
  const output: Record<string, any> = {};
  const ctx: any = {
    input,
    workspacePath,
    logger: quietLogger,
    output: (key: string, value: unknown) => {
      output[key] = value;
    },
    checkpoint: async (opts: { fn: () => unknown }) => opts.fn(),
    createTemporaryDirectory: async () =>
      fs.mkdtempSync(path.join(os.tmpdir(), 'bench-tpl-')),
    getInitiatorCredentials: async () => ({
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'user', userEntityRef: 'user:default/bench' },
    }),
    isDryRun: false,
    templateInfo: { entityRef: 'template:default/vllm-model-service' },
    signal: new AbortController().signal,
  };
  return { ctx, output };
}

const env = new nunjucks.Environment(null, {
  autoescape: false,
  tags: { variableStart: '${{', variableEnd: '}}' },
});

/** Evaluates a template.yaml value as the scaffolder does: a lone `${{ expr }}` keeps its type. */
function evaluate(value: unknown, context: object): unknown {
  if (Array.isArray(value)) return value.map(v => evaluate(v, context));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, evaluate(v, context)]),
    );
  if (typeof value !== 'string') return value;
  const whole = /^\$\{\{([\s\S]*)\}\}$/.exec(value.trim());
  if (whole) {
    const text = env.renderString(`\${{ (${whole[1]}) | dump }}`, context);
    return text === '' ? undefined : JSON.parse(text);
  }
  return env.renderString(value, context);
}

async function main() {
  const template = yaml.parse(
    fs.readFileSync(path.join(templateDir, 'template.yaml'), 'utf8'),
  );
  const steps: any[] = template.spec.steps;
  const planStep = steps.find(s => s.action === 'inference:plan:create');
  const fetchStep = steps.find(s => s.action === 'fetch:template');
  const skeletonDir = path.join(templateDir, fetchStep.input.url);
  const skeletonFiles = fs
    .readdirSync(skeletonDir, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile())
    .map(e => path.relative(skeletonDir, path.join(e.parentPath, e.name)));
  const skeleton = skeletonFiles.map(f => ({
    file: f,
    text: fs.readFileSync(path.join(skeletonDir, f), 'utf8'),
  }));
  const vllm = IMAGE_CATALOG.find(
    i => i.runtime === 'vllm' && i.version === '0.10.1.1',
  )!;
  const plan = createPlanCreateAction({ inference: inventory });
  const validate = createManifestsValidateAction({
    allowedRegistries: ['docker.io/vllm'],
  });

  const phases = {
    plan: [] as number[],
    render: [] as number[],
    validate: [] as number[],
    total: [] as number[],
  };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-templates-'));
  let services = 0;
  for (let round = -2; round < ROUNDS; round++) {
    for (const [i, c] of CASES.entries()) {
      const name = `bench-svc-${round + 2}-${i}`;
      const parameters = {
        name,
        description: 'benchmark service',
        owner: 'group:default/ml-chat',
        system: 'system:default/chat-platform',
        model: c.model,
        precision: 'bf16',
        maxModelLen: c.maxModelLen,
        concurrency: c.concurrency,
        gpuType: c.gpuType,
        cluster: 'gpu-us-east',
        namespace: 'ml-chat',
        minReplicas: 1,
        maxReplicas: 3,
        autoscaling: 'keda-queue',
        queueTarget: 5,
        scaleToZero: false,
        ttftTargetMs: 2000,
        vllmVersion: vllm.version,
      };
      const workspace = path.join(root, name);
      fs.mkdirSync(workspace);
      const t0 = performance.now();
      const planInput = Object.fromEntries(
        Object.entries(planStep.input).map(([k, v]) => [
          k,
          evaluate(v, { parameters }),
        ]),
      );
      // the scaffolder drops undefined inputs and the handler applies its own defaults
      const planned = actionContext(
        {
          precision: 'bf16',
          kvCacheDtype: 'auto',
          ...Object.fromEntries(
            Object.entries(planInput).filter(([, v]) => v !== undefined),
          ),
        },
        workspace,
      );
      await plan.handler(planned.ctx);
      const t1 = performance.now();
      const context = {
        parameters,
        steps: {
          plan: { output: planned.output },
          image: { output: { image: imageReference(vllm) } },
        },
      };
      const values = Object.fromEntries(
        Object.entries(fetchStep.input.values).map(([k, v]) => [
          k,
          evaluate(v, context),
        ]),
      );
      for (const { file, text } of skeleton) {
        const target = path.join(workspace, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, env.renderString(text, { values }));
      }
      const t2 = performance.now();
      const validated = actionContext(
        { path: './kubernetes', kubernetesId: name },
        workspace,
      );
      await validate.handler(validated.ctx);
      const t3 = performance.now();
      if (!(validated.output.manifestCount > 0))
        throw new Error(`${name}: nothing validated`);
      if (round >= 0) {
        phases.plan.push(t1 - t0);
        phases.render.push(t2 - t1);
        phases.validate.push(t3 - t2);
        phases.total.push(t3 - t0);
        services++;
      }
    }
  }
  fs.rmSync(root, { recursive: true, force: true });
  progress(`${services} services planned, rendered and validated`);
  const bench = 'Templates';
  const p50 = (a: number[]) => ms(percentile(a, 50));
  const totalP99 = percentile(phases.total, 99);
  const rows: BenchRow[] = [
    {
      bench,
      measure: `plan p50 (${CASES.length} model/context cases x ${ROUNDS})`,
      result: p50(phases.plan),
    },
    { bench, measure: 'render + write p50', result: p50(phases.render) },
    { bench, measure: 'validate p50', result: p50(phases.validate) },
    {
      bench,
      measure: 'plan + render + validate p50',
      result: p50(phases.total),
    },
    {
      bench,
      measure: 'plan + render + validate p99',
      result: ms(totalP99),
      ...atMost(totalP99, 200, ms),
    },
    { bench, measure: 'services', result: count(services) },
  ];
  emit({
    bench,
    rows,
    details: {
      phases: Object.fromEntries(
        Object.entries(phases).map(([k, v]) => [
          k,
          { p50: percentile(v, 50), p99: percentile(v, 99) },
        ]),
      ),
    },
  });
}

main().catch(e => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
