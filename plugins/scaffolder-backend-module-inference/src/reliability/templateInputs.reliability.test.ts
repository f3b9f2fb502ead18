import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ResponseError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  IMAGE_CATALOG,
  resolveClusterPlatform,
} from '@inference-platform/plugin-inference-common';
import {
  ClusterConnection,
  InferenceService,
  TeamTenancy,
} from '@inference-platform/plugin-inference-node';
import { KubeConfig } from '@kubernetes/client-node';
import fc from 'fast-check';
import { Validator } from 'jsonschema';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import yaml from 'yaml';
import { FLEET, fakeInference } from '../__testUtils__/fakeInference';
import { createClusterSettingsAction } from '../actions/clusterSettings';
import { createEntityRegisterAction } from '../actions/entityRegister';
import { createImageResolveAction } from '../actions/imageResolve';
import { ImageSettings } from '../images/imageConfig';
import { createManifestsApplyAction } from '../actions/manifestsApply';
import { createManifestsValidateAction } from '../actions/manifestsValidate';
import { createPlanCreateAction } from '../actions/planCreate';
import { createQuotaReleaseAction } from '../actions/quotaRelease';
import { createQuotaReserveAction } from '../actions/quotaReserve';
import { scaffolderModuleInference } from '../module';

jest.setTimeout(120_000);

/*
 * Every action of the module, fed generated inputs: awkward values its schema accepts, wrong types, huge values,
 * unicode and injection strings. As in the scaffolder, inputs are first validated against the action's JSON schema;
 * what passes reaches the handler, which must finish in time and either succeed with outputs matching its output
 * schema, or fail with a Backstage error that says what is wrong -- never a TypeError or the like.
 */

const RUNS = Number(process.env.RELIABILITY_FUZZ_RUNS ?? 150);
const HANDLER_TIMEOUT_MS = 8_000;
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const H100 = 'NVIDIA-H100-80GB-HBM3';

// ---------------------------------------------------------------- values

const INJECTIONS = [
  "'; DROP TABLE reservations; --",
  '${{ secrets.GITHUB_TOKEN }}',
  '{{ 7*7 }}',
  '$(rm -rf /)',
  '`id`',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '/etc/passwd',
  '..',
  '__proto__',
  'constructor',
  'a\u0000b',
  '\uD800',
  '\u202Egnp.exe',
  'Z̤͔ͧ̑̓ä̻͚͚̻́',
  '🚀👩‍👩‍👧',
  '\r\nkind: Secret',
  'null',
  'NaN',
  ' ',
  '',
];

const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

const codePoints = (s: string) => [...s].length;

/** Values of the wrong type, or far too big. */
const wrongTyped: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.integer(),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 0.5),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(nastyString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  fc.constant('x'.repeat(1024 * 1024)),
);

/** Values a JSON schema (as zod-to-json-schema writes them) accepts, picked to be awkward. */
function schemaValid(schema: any): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const min =
        schema.minimum ??
        (schema.exclusiveMinimum !== undefined
          ? schema.exclusiveMinimum + 1
          : -(2 ** 31));
      const max = schema.maximum ?? 2 ** 31;
      return fc.oneof(fc.constantFrom(min, max), fc.integer({ min, max }));
    }
    case 'number': {
      const min = schema.minimum ?? schema.exclusiveMinimum ?? -1e12;
      const max = schema.maximum ?? 1e12;
      return fc.oneof(
        fc.constantFrom(schema.minimum ?? max, max),
        fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
      );
    }
    case 'string': {
      const minLength = schema.minLength ?? 0;
      const maxLength = schema.maxLength ?? 1024 * 1024;
      const text = schema.pattern
        ? fc.stringMatching(new RegExp(schema.pattern))
        : fc.oneof(
            nastyString,
            fc.constant('z'.repeat(Math.min(maxLength, 1024 * 1024))),
            fc.constant('é'.repeat(Math.min(maxLength, 4096))),
          );
      return text.filter(
        s => codePoints(s) >= minLength && codePoints(s) <= maxLength,
      );
    }
    case 'array':
      return fc.array(schemaValid(schema.items), { maxLength: 4 });
    case 'object':
      return fc.record(
        Object.fromEntries(
          Object.entries(schema.properties).map(([k, v]) => [
            k,
            schemaValid(v),
          ]),
        ),
        { requiredKeys: schema.required ?? [] },
      );
    default:
      throw new Error(`No generator for schema ${JSON.stringify(schema)}`);
  }
}

/**
 * An input object: every field realistic or schema-valid but awkward (optional ones sometimes absent), then in
 * about half the runs broken -- one field wrong-typed or missing, or several at once with an unknown key.
 */
function inputFor(
  schema: any,
  hints: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(schema.properties);
  const valid = fc.record(
    Object.fromEntries(
      keys.map(key => {
        const own = schemaValid(schema.properties[key]);
        return [key, hints[key] ? fc.oneof(hints[key], own) : own];
      }),
    ),
    { requiredKeys: schema.required ?? [] },
  );
  const breakage = fc.oneof(
    { weight: 4, arbitrary: fc.constant({}) },
    {
      weight: 3,
      arbitrary: fc.dictionary(
        fc.constantFrom(...keys),
        fc.oneof(wrongTyped, fc.constant(undefined)),
        { minKeys: 1, maxKeys: 1 },
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.dictionary(fc.constantFrom(...keys), wrongTyped, { maxKeys: 3 }),
          fc.dictionary(nastyString, wrongTyped, { minKeys: 1, maxKeys: 1 }),
        )
        .map(([fields, extra]) => ({ ...fields, ...extra })),
    },
  );
  return fc
    .tuple(valid, breakage)
    .map(([input, broken]) =>
      Object.fromEntries(
        Object.entries({ ...input, ...broken }).filter(
          ([, v]) => v !== undefined,
        ),
      ),
    );
}

// ---------------------------------------------------------------- the world the actions see

type Answer = 'ok' | 400 | 403 | 404 | 409 | 500 | 503;

/** The inference backend as the actions' client sees it: answers, or a ResponseError as the real client throws. */
function inferenceAnswering(answer: Answer): InferenceService {
  const fail = async () => {
    throw await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'Error', message: `backend answered ${answer}` },
          response: { statusCode: answer },
        }),
        { status: answer as number },
      ) as any,
    );
  };
  if (answer !== 'ok') {
    return fakeInference({
      getClusters: jest.fn(fail),
      getQuotaStandings: jest.fn(fail),
      reserveGpus: jest.fn(fail),
      releaseReservation: jest.fn(fail),
      getReservation: jest.fn(fail),
    });
  }
  return fakeInference({
    getQuotaStandings: jest.fn(async owner => [
      {
        owner,
        gpuType: H100,
        limit: 16,
        used: 4,
        reserved: 0,
        headroom: 12,
      } as any,
    ]),
    reserveGpus: jest.fn(
      async () =>
        ({
          id: 'r-1',
          expiresAt: '2026-11-27T12:00:00Z',
          state: 'pending',
        } as any),
    ),
    releaseReservation: jest.fn(async () => ({ state: 'released' } as any)),
  });
}

interface RegistryAnswer {
  status: number;
  challenge?: string;
  digest?: string;
  tokenStatus: number;
  tokenBody: unknown;
  unreachable: boolean;
}

const MIRROR_CHALLENGE =
  'Bearer realm="https://mirror.invalid/token",service="registry",scope="repository:x:pull"';

/** What a registry (or whatever sits at its address) answers the digest lookup with. */
const registryAnswer: fc.Arbitrary<RegistryAnswer> = fc.record({
  status: fc.constantFrom(200, 401, 403, 404, 429, 500),
  challenge: fc.option(
    fc.oneof(
      fc.constant(
        'Bearer realm="http://127.0.0.1:9/token",service="registry",scope="repository:x:pull"',
      ),
      // on the mirror's own host, so the token endpoint's answer is read
      fc.constant(MIRROR_CHALLENGE),
      fc.constant('Bearer realm="not a url"'),
      fc.constant('Basic realm="registry"'),
      nastyString,
    ),
    { nil: undefined },
  ),
  digest: fc.option(fc.oneof(fc.constant(DIGEST), nastyString), {
    nil: undefined,
  }),
  tokenStatus: fc.constantFrom(200, 401, 500),
  tokenBody: fc.oneof(
    fc.constant({ token: 'registry-token' }),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  unreachable: fc.boolean(),
});

function fakeRegistryFetch(answer: RegistryAnswer): typeof fetch {
  return (async (url: string | URL) => {
    if (answer.unreachable) throw new TypeError('fetch failed');
    if (String(url).includes('/v2/')) {
      const headers = new Headers();
      if (answer.challenge) headers.set('www-authenticate', answer.challenge);
      if (answer.digest) headers.set('docker-content-digest', answer.digest);
      return new Response(answer.status === 200 ? '{}' : null, {
        status: answer.status,
        headers,
      });
    }
    return new Response(JSON.stringify(answer.tokenBody), {
      status: answer.tokenStatus,
    });
  }) as typeof fetch;
}

const GOOD_DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'chat', labels: { 'backstage.io/kubernetes-id': 'chat' } },
  spec: {
    selector: { matchLabels: { 'backstage.io/kubernetes-id': 'chat' } },
    template: {
      metadata: { labels: { 'backstage.io/kubernetes-id': 'chat' } },
      spec: {
        securityContext: {
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' },
        tolerations: [
          { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        ],
        containers: [
          {
            name: 'vllm',
            image: `docker.io/vllm/vllm-openai@${DIGEST}`,
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
            },
            resources: {
              requests: { 'nvidia.com/gpu': '1' },
              limits: { 'nvidia.com/gpu': '1' },
            },
            readinessProbe: { httpGet: { path: '/health', port: 8000 } },
            livenessProbe: { httpGet: { path: '/health', port: 8000 } },
            startupProbe: { httpGet: { path: '/health', port: 8000 } },
          },
        ],
      },
    },
  },
};

const IMAGES: ImageSettings = {
  resolveLive: false,
  registries: [{ host: 'docker.io', mirror: 'mirror.invalid' }],
  pins: [
    {
      repository: 'docker.io/vllm/vllm-openai',
      tag: 'v0.10.1.1',
      digest: DIGEST,
    },
  ],
  allowedRegistries: [],
  allowForwardCompatibility: false,
};
const LIVE_IMAGE_CASE = 'inference:image:resolve (platform resolves tags live)';

const PATHS = [
  '.',
  'good',
  'bad',
  'empty',
  'missing',
  'catalog-info.yaml',
  'catalog-info.yaml/x',
  '../outside',
  '/etc',
  'a\u0000b',
];

// ---------------------------------------------------------------- the actions

interface Case {
  action: TemplateAction<any, any, any>;
  hints: Record<string, fc.Arbitrary<unknown>>;
}

const workspace = createMockDirectory();
const catalogDirectory = createMockDirectory();
let refused: http.Server;
let applyCluster: ClusterConnection;
let answer: Answer = 'ok';
let registry: RegistryAnswer | undefined;

// the action factories get a service that answers as the current run says
const inference: InferenceService = {
  getHealth: (...args) => inferenceAnswering(answer).getHealth(...args),
  getClusters: (...args) => inferenceAnswering(answer).getClusters(...args),
  getQuotaStandings: (...args) =>
    inferenceAnswering(answer).getQuotaStandings(...args),
  reserveGpus: (...args) => inferenceAnswering(answer).reserveGpus(...args),
  releaseReservation: (...args) =>
    inferenceAnswering(answer).releaseReservation(...args),
  getReservation: (...args) =>
    inferenceAnswering(answer).getReservation(...args),
};

/** The mock task's user (user:default/mock) is a member of ml-chat, which may deploy to ml-chat on the test cluster. */
const tenancy = TeamTenancy.fromConfig(
  new ConfigReader({
    inference: {
      tenancy: {
        teams: [{ owner: 'ml-chat', namespaces: ['ml-chat'] }],
      },
    },
  }),
  {
    userInfo: mockServices.userInfo({
      ownershipEntityRefs: ['user:default/mock', 'group:default/ml-chat'],
    }),
    catalog: { getEntityByRef: async () => undefined },
  },
);

/** What the catalog serves of the catalog directory, as the suite's catalog module does: at once, for speed. */
function servedEntity(ref: string): any {
  const files = fs
    .readdirSync(catalogDirectory.path, { recursive: true })
    .map(String)
    .filter(f => path.basename(f) === 'catalog-info.yaml');
  for (const file of files) {
    const location = path.join(catalogDirectory.path, file);
    const entity = yaml.parse(fs.readFileSync(location, 'utf8'));
    const metadata = { namespace: 'default', ...entity.metadata };
    if (stringifyEntityRef({ ...entity, metadata }) === ref) {
      return {
        ...entity,
        metadata: {
          ...metadata,
          annotations: {
            ...metadata.annotations,
            'backstage.io/managed-by-location': `file:${location}`,
          },
        },
      };
    }
  }
  return undefined;
}

let built: Record<string, Case> | undefined;

/** The actions and realistic values of their fields, built once the fake cluster is listening. */
function cases(): Record<string, Case> {
  built ??= buildCases();
  return built;
}

function buildCases(): Record<string, Case> {
  const clusterNames = FLEET.map(c => c.name);
  const gpuTypes = FLEET.flatMap(c => c.capacity.pools.map(p => p.gpuType));
  const imageHints = {
    version: fc.constantFrom(...IMAGE_CATALOG.map(i => i.version)),
    image: fc.constantFrom(
      `docker.io/vllm/vllm-openai@${DIGEST}`,
      'docker.io/vllm/vllm-openai:v0.10.1.1',
      'registry.example.com:5000/team/model:latest',
      'docker.io/vllm-evil/vllm-openai:v0.10.1.1',
      'UPPER/Case:tag',
      'repo@sha256:short',
      'a b:c',
      '@',
      ':',
    ),
    gpuType: fc.constantFrom(...gpuTypes, `${H100}-MIG-1g.10gb`),
    driverVersion: fc.constantFrom('570.124.06', '450', '999.99.99'),
    cluster: fc.constantFrom(...clusterNames, 'gpu-nowhere'),
  };
  return {
    'inference:plan:create': {
      action: createPlanCreateAction({ inference, tenancy }),
      hints: {
        model: fc.constantFrom(
          'meta-llama/Llama-3.1-8B-Instruct',
          'meta-llama/Llama-3.1-70B-Instruct',
          'unknown/model',
        ),
        maxModelLen: fc.constantFrom(256, 8192, 131_072, 1_048_576),
        concurrency: fc.constantFrom(1, 16, 100_000),
        gpuType: fc.constantFrom('auto', ...gpuTypes, 'NVIDIA-B200'),
        clusters: fc.subarray([...clusterNames, 'gpu-nowhere']),
        owner: fc.constantFrom('group:default/ml-chat', 'ml-chat'),
      },
    },
    'inference:image:resolve': {
      action: createImageResolveAction({ images: IMAGES, inference }),
      hints: imageHints,
    },
    // the platform resolves tags live (only it can turn this on): every run asks the fake registry
    [LIVE_IMAGE_CASE]: {
      action: createImageResolveAction({
        images: {
          ...IMAGES,
          resolveLive: true,
          allowedRegistries: [
            'docker.io/vllm',
            'nvcr.io/nvidia',
            'ghcr.io/huggingface',
          ],
        },
        inference,
      }),
      hints: imageHints,
    },
    'inference:quota:reserve': {
      action: createQuotaReserveAction({ inference, tenancy }),
      hints: {
        gpuType: fc.constantFrom(...gpuTypes),
        cluster: fc.constantFrom(...clusterNames),
      },
    },
    'inference:quota:release': {
      action: createQuotaReleaseAction({ inference }),
      hints: { reservationId: fc.constantFrom('r-1', 'dry-run') },
    },
    'inference:manifests:validate': {
      action: createManifestsValidateAction({
        allowedRegistries: ['docker.io/vllm'],
      }),
      hints: {
        path: fc.constantFrom(...PATHS),
        kubernetesId: fc.constantFrom('chat', 'other'),
      },
    },
    'inference:manifests:apply': {
      action: createManifestsApplyAction({
        clusters: [applyCluster],
        inference,
        tenancy,
        permissions: mockServices.permissions(),
      }),
      hints: {
        cluster: fc.constantFrom(applyCluster.name, 'gpu-nowhere'),
        namespace: fc.constantFrom('ml-chat'),
        owner: fc.constantFrom('ml-chat', 'group:default/ml-search'),
        path: fc.constantFrom(...PATHS),
        timeoutSeconds: fc.constantFrom(10),
      },
    },
    'inference:cluster:settings': {
      // as the module builds it: a cluster without overrides takes the defaults
      action: createClusterSettingsAction({
        settingsOf: cluster =>
          resolveClusterPlatform(
            cluster === clusterNames[0] ? { downloadMiBps: 50 } : {},
          ),
      }),
      hints: {
        cluster: fc.constantFrom(...clusterNames, 'gpu-nowhere'),
        weightsGiBPerGpu: fc.constantFrom(0, 15, 131, 1e12),
        tensorParallelSize: fc.constantFrom(1, 4, 8, 1024),
        gpuType: fc.constantFrom(
          ...gpuTypes,
          `${H100}-MIG-1g.10gb`,
          'NVIDIA-B200',
        ),
      },
    },
    'inference:entity:register': {
      action: createEntityRegisterAction({
        catalog: {
          getEntityByRef: async (ref: string) => servedEntity(ref),
        } as Partial<CatalogService> as CatalogService,
        tenancy,
        catalogDirectory: catalogDirectory.path,
      }),
      hints: {
        catalogInfoPath: fc.constantFrom(
          ...PATHS,
          'good/catalog-info.yaml',
          'bad/broken.yaml',
        ),
      },
    },
  };
}

/** Each case runs one action; the image action twice, with and without live resolution. */
const CASE_IDS = [
  'inference:plan:create',
  'inference:image:resolve',
  LIVE_IMAGE_CASE,
  'inference:quota:reserve',
  'inference:quota:release',
  'inference:manifests:validate',
  'inference:manifests:apply',
  'inference:cluster:settings',
  'inference:entity:register',
];

// ---------------------------------------------------------------- the property

const CLEAR_ERRORS = [
  'InputError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
  'ResponseError',
];
const CRASH =
  /Cannot read prop|Cannot destructure|is not a function|is not iterable|is not defined|of undefined|of null|\[object Object\]/;

async function withinTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`did not finish within ${HANDLER_TIMEOUT_MS} ms`)),
      HANDLER_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What one run met: the schema's refusal, the handler's success, or its clear failure. */
type Outcome = 'refused' | 'succeeded' | 'failedCleanly';
interface RunResult {
  outcome: Outcome;
  /** The handler's clear error. */
  message?: string;
}

const validator = new Validator();

/**
 * Runs one input as the scaffolder would: JSON-schema validation first (each complaint must name its field), then
 * the handler, which must finish in time with outputs matching its schema, or throw a clear Backstage error.
 */
async function runOnce(
  caseId: string,
  input: Record<string, unknown>,
  world: {
    isDryRun: boolean;
    backend: Answer;
    registry: RegistryAnswer;
    folder: string;
  },
): Promise<RunResult> {
  const { action } = cases()[caseId];
  const inputSchema = action.schema!.input as any;
  const validation = validator.validate(input, inputSchema);
  if (!validation.valid) {
    const fields = [
      ...Object.keys(inputSchema.properties),
      ...Object.keys(input),
    ];
    for (const error of validation.errors) {
      // a field's own error has its path; `required` and `additionalProperties` name it as the argument
      const named =
        error.property !== 'instance' || fields.includes(error.argument);
      expect({ error: error.stack, named }).toEqual({
        error: error.stack,
        named: true,
      });
    }
    return { outcome: 'refused' };
  }

  answer = world.backend;
  registry = world.registry;
  const ctx = {
    ...createMockActionContext({
      input: input as any,
      workspacePath: workspace.resolve(world.folder),
    }),
    // createMockActionContext has no isDryRun
    isDryRun: world.isDryRun,
  };
  let error: unknown;
  try {
    await withinTimeout(action.handler(ctx as any));
  } catch (e) {
    error = e;
  }

  if (error === undefined) {
    const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    const checked = validator.validate(outputs, action.schema!.output as any);
    expect(checked.errors.map(e => e.stack)).toEqual([]);
    for (const [name, value] of Object.entries(outputs)) {
      if (typeof value === 'number') {
        expect({ name, finite: Number.isFinite(value) }).toEqual({
          name,
          finite: true,
        });
      }
    }
    return { outcome: 'succeeded' };
  }

  const { name, message } = error as Error;
  // errors of node:fs come from another realm than jest's Error
  expect(Object.prototype.toString.call(error)).toBe('[object Error]');
  if (!CLEAR_ERRORS.includes(name)) {
    throw new Error(
      `${caseId} failed with ${name}, not a clear error: ${message}\n${
        (error as Error).stack
      }`,
    );
  }
  expect(message).toMatch(/\S/);
  expect(message).not.toMatch(CRASH);
  // an absent value printed into the message, unless the input itself carried the word
  if (!/undefined|NaN/.test(JSON.stringify(input))) {
    expect(message).not.toMatch(/\bundefined\b|\bNaN\b/);
  }
  return { outcome: 'failedCleanly', message };
}

describe('template inputs', () => {
  let fetchSpy: jest.SpyInstance;

  beforeAll(async () => {
    workspace.setContent({
      'catalog-info.yaml': yaml.stringify({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'chat' },
        spec: { type: 'service', owner: 'ml-chat', lifecycle: 'production' },
      }),
      'good/deployment.yaml': yaml.stringify(GOOD_DEPLOYMENT),
      'good/catalog-info.yaml': 'kind: Component\nmetadata:\n  name: chat\n',
      'bad/broken.yaml': 'kind: [unclosed\n\t- :\u0000',
      'bad/not-k8s.yaml': '- 1\n- 2\n',
      'empty/.keep': '',
    });
    // an API server that closes every connection: the apply fails fast, as against an unreachable cluster
    refused = http.createServer((req, _res) => req.socket.destroy());
    await new Promise<void>(resolve => refused.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(refused.address() as AddressInfo).port}`;
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'gpu-test', server: url, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'gpu-test', cluster: 'gpu-test', user: 'u' }],
      currentContext: 'gpu-test',
    });
    applyCluster = { name: 'gpu-test', url, kubeConfig };
    // registry lookups never leave the process: each run says what the "registry" answers
    fetchSpy = jest
      .spyOn(global, 'fetch')
      .mockImplementation((target: any, init?: any) =>
        registry
          ? fakeRegistryFetch(registry)(target, init)
          : Promise.reject(new Error(`unexpected fetch of ${target}`)),
      );
  });

  afterAll(async () => {
    fetchSpy?.mockRestore();
    await new Promise(resolve => refused?.close(resolve));
  });

  it('covers every action the module registers', async () => {
    const registered: string[] = [];
    await startTestBackend({
      features: [
        scaffolderModuleInference,
        mockServices.rootConfig.factory({ data: {} }),
        catalogServiceMock.factory(),
      ],
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          {
            addActions: (...actions: TemplateAction[]) =>
              registered.push(...actions.map(a => a.id)),
          },
        ],
      ],
    });
    const actionIds = new Set(CASE_IDS.map(id => cases()[id].action.id));
    expect(registered.sort()).toEqual([...actionIds].sort());
  });

  /** The property over generated inputs and worlds, for one case. */
  async function checkCase(caseId: string, seed?: number) {
    const { action, hints } = cases()[caseId];
    const stats = { refused: 0, succeeded: 0, failedCleanly: 0 };

    await fc.assert(
      fc.asyncProperty(
        inputFor(action.schema!.input as any, hints),
        fc.boolean(),
        fc.constantFrom<Answer>('ok', 'ok', 'ok', 400, 403, 404, 409, 500),
        registryAnswer,
        // the full workspace, or one without catalog-info.yaml and manifests
        fc.constantFrom('.', 'empty'),
        async (input, isDryRun, backend, registryBehaviour, folder) => {
          const { outcome } = await runOnce(caseId, input, {
            isDryRun,
            backend,
            registry: registryBehaviour,
            folder,
          });
          stats[outcome] += 1;
        },
      ),
      {
        numRuns: RUNS,
        ...(seed !== undefined ? { seed } : {}),
      },
    );

    // the runs reached the handler, on both of its outcomes, and also tried the schema
    expect(stats.refused).toBeGreaterThan(0);
    expect(stats.succeeded + stats.failedCleanly).toBeGreaterThan(RUNS / 5);
  }

  // eslint-disable-next-line jest/expect-expect -- checkCase asserts
  it.each(CASE_IDS)(
    '%s: the schema refuses bad input by name, the handler answers the rest cleanly',
    caseId =>
      checkCase(
        caseId,
        process.env.RELIABILITY_FUZZ_SEED
          ? Number(process.env.RELIABILITY_FUZZ_SEED)
          : undefined,
      ),
  );

  describe('regressions', () => {
    // seed 1453908882 found "Cannot read properties of null (reading 'token')": a task input turned on live
    // resolution, and the registry's token endpoint answered 200 with the body `null`
    const SEED = 1453908882;
    const nullToken = (challenge: string): RegistryAnswer => ({
      status: 401,
      challenge,
      digest: undefined,
      tokenStatus: 200,
      tokenBody: null,
      unreachable: false,
    });
    const world = (reply: RegistryAnswer) => ({
      isDryRun: false,
      backend: 'ok' as const,
      registry: reply,
      folder: '.',
    });

    // eslint-disable-next-line jest/expect-expect -- checkCase asserts
    it.each(['inference:image:resolve', LIVE_IMAGE_CASE])(
      `%s: seed ${SEED} passes`,
      caseId => checkCase(caseId, SEED),
    );

    it('seed 1453908882 as found: a task can no longer ask for live resolution', async () => {
      const result = await runOnce(
        'inference:image:resolve',
        { runtime: 'vllm', resolveLive: true },
        world(
          nullToken(
            'Bearer realm="http://127.0.0.1:9/token",service="registry",scope="repository:x:pull"',
          ),
        ),
      );
      expect(result.outcome).toBe('refused');
    });

    it('seed 1453908882 where the platform resolves live: a null token body is a clear error', async () => {
      const result = await runOnce(
        LIVE_IMAGE_CASE,
        { runtime: 'vllm' },
        world(nullToken(MIRROR_CHALLENGE)),
      );
      expect(result).toEqual({
        outcome: 'failedCleanly',
        message: expect.stringMatching(
          /^Could not resolve docker\.io\/vllm\/vllm-openai:\S+ to a digest: mirror\.invalid token endpoint answered 200 but is not a JSON object$/,
        ),
      });
    });
  });
});
