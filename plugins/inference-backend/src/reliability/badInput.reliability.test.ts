import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import fc from 'fast-check';
import request from 'supertest';
import { inferencePlugin } from '../plugin';
import { spec } from '../schema/openapi.generated';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(120_000);

/*
 * Bad input, fuzzed: every route of openapi.yaml gets random path params, query strings and bodies (wrong types,
 * huge values, deep nesting, unicode, injection strings) from an admin who holds every permission, so validation
 * is what answers. Each answer must be a 2xx or a 4xx with a Backstage error body; never a 5xx, never a dead backend.
 */

const ADMIN = 'user:default/ana.ruiz';
const CHAT = 'group:default/ml-chat';
const H100 = 'NVIDIA-H100-80GB-HBM3';
/** A tracked cluster nobody answers for: its platform settings come from config, not from the cluster. */
const TRACKED_CLUSTER = { name: 'gpu-a', url: 'http://127.0.0.1:9' };
const BASE = '/api/inference';
// PostgreSQL cannot store NUL in text, so the API refuses it in any string the schema otherwise accepts
const NUL_REFUSED = /^[\w.]+ must not contain the NUL character \(\\u0000\)$/;
const RUNS = Number(process.env.RELIABILITY_FUZZ_RUNS ?? 120);
// a well-formed cursor the API did not hand out (the spec's pattern accepts it; the handler cannot read it)
const FOREIGN_CURSOR = /^cursor is not one this API handed out/;
const cursorOf = (position: object) =>
  Buffer.from(JSON.stringify(position)).toString('base64url');

// ---------------------------------------------------------------- values

const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE inference_quotas; --",
  '" OR ""="',
  '1); DELETE FROM inference_reservations; --',
  "x' UNION SELECT owner_ref, gpu_type FROM inference_quotas --",
  '$where: "sleep(5000)"',
  '<script>alert(1)</script>',
  '${process.exit(1)}',
  '{{constructor.constructor("return process")()}}',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  '../../../../etc/passwd',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\u202Egnp.exe',
  'Z̤͔ͧ̑̓ä̻͚͚̻́',
  '🚀🔥👩‍👩‍👧',
  'ﷺ Ω≈ç√',
  '\r\nX-Injected: 1',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  ' ',
  '',
];

/** Strings an attacker or a broken client sends: injection, unicode (incl. lone surrogates), control chars, huge. */
const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer({ min: 256, max: 1200 }).map(n => 'é'.repeat(n)),
);

// Node's HTTP parser refuses a request line + headers over 16 KiB with a bare 431 before any backend code runs; our
// URLs stay below that except when several huge values meet
const LONG_URL_BYTES = 8 * 1024;

const HUGE_NUMBERS = [
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  2 ** 63,
  -(2 ** 31) - 1,
  -0,
  0.5,
  1e-300,
];

/** Any JSON value of the wrong kind, from small to a megabyte. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.integer(),
  fc.constantFrom(...HUGE_NUMBERS),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(nastyString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
  fc.constant('x'.repeat(1024 * 1024)),
);

/** Raw bodies JSON.stringify cannot produce: numbers beyond double, deep nesting, broken or non-object JSON. */
const rawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '{"limit": 1e400}',
    '{"limit": 123456789012345678901234567890}',
    '{"gpus": -1e400, "owner": "group:default/ml-chat", "gpuType": "NVIDIA-L4"}',
    '{"limit": 1',
    '{limit: 1}',
    "{'limit': 1}",
    '[]',
    'null',
    '"limit"',
    '42',
    '',
    '\u0000',
    '{"__proto__": {"limit": 1}, "constructor": {"prototype": {"x": 1}}}',
    '{"limit": 1, "limit": "two"}',
  ),
  fc
    .integer({ min: 1000, max: 30_000 })
    .map(depth => `{"limit": ${'['.repeat(depth)}${']'.repeat(depth)}}`),
  fc
    .integer({ min: 1000, max: 6_000 })
    .map(depth => `{"reason": ${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

/** A path segment as sent on the wire: encoded nasty text, or raw (often malformed) percent-encoding. */
const nastySegment: fc.Arbitrary<string> = fc.oneof(
  nastyString.filter(s => s.length > 0).map(encodeSegment),
  fc.constantFrom('%', '%zz', '%ED%A0%80', '%C0%AF', '%00', '%2e%2e', '..'),
  fc.integer({ min: 300, max: 6000 }).map(n => 'a'.repeat(n)),
);

function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    // lone surrogates: send the bytes a careless client would (invalid UTF-8)
    return `${encodeURIComponent(
      value.replace(/[\uD800-\uDFFF]/g, ''),
    )}%ED%A0%80`;
  }
}

// ---------------------------------------------------------------- routes

type Method = 'get' | 'put' | 'post' | 'delete';

interface FuzzRoute {
  method: Method;
  /** openapi path with `{param}` placeholders */
  path: string;
  /** a valid value per path param, encoded */
  params: Record<string, string>;
  /** documented query params and a valid value each */
  query: Record<string, string>;
  /** a valid body, for routes that take one */
  body?: Record<string, unknown>;
  /** statuses a correct backend answers valid input with (bad input adds 400, and 404 when a path param is off) */
  statuses: number[];
  /** a 400 the handler gives to input the schema accepts */
  handlerRejects?: RegExp;
}

const ROUTES: Record<string, FuzzRoute> = {
  GetHealth: {
    method: 'get',
    path: '/health',
    params: {},
    query: {},
    statuses: [200],
  },
  GetEntitySummary: {
    method: 'get',
    path: '/entities/{kind}/{namespace}/{name}/summary',
    params: {
      kind: 'component',
      namespace: 'default',
      name: 'support-chat-llm',
    },
    query: { loadMultiplier: '10' },
    statuses: [200, 404],
    handlerRejects: /^loadMultiplier must be between 1 and 100$/,
  },
  ListWorkloads: {
    method: 'get',
    path: '/workloads',
    params: {},
    query: {
      cluster: TRACKED_CLUSTER.name,
      owner: CHAT,
      gpuType: H100,
      health: 'warning',
    },
    statuses: [200],
  },
  ListClusters: {
    method: 'get',
    path: '/clusters',
    params: {},
    query: {},
    statuses: [200],
  },
  // a name the spec accepts but the backend does not track: 404
  GetClusterPlatform: {
    method: 'get',
    path: '/clusters/{cluster}/platform',
    params: { cluster: TRACKED_CLUSTER.name },
    query: {},
    statuses: [200, 404],
  },
  ListQuotas: {
    method: 'get',
    path: '/quotas',
    params: {},
    query: { owner: CHAT },
    statuses: [200],
  },
  UpdateQuota: {
    method: 'put',
    path: '/quotas/{owner}/{gpuType}',
    params: { owner: encodeURIComponent(CHAT), gpuType: H100 },
    query: {},
    body: { limit: 8, reason: 'fuzz' },
    statuses: [200],
    // a spec-valid line the catalog and the GPU catalog do not know
    handlerRejects: new RegExp(
      `${NUL_REFUSED.source}|^owner must be a Group of the catalog, not a |^owner \\S+ is not a Group of the catalog$|^gpuType \\S+ is not a GPU type of the GPU catalog or of a tracked pool`,
    ),
  },
  RemoveQuota: {
    method: 'delete',
    path: '/quotas/{owner}/{gpuType}',
    // a line nobody has: ml-chat's quota stays for the other routes
    params: {
      owner: encodeURIComponent('group:default/ml-fuzz'),
      gpuType: H100,
    },
    query: { force: 'true', reason: 'fuzz' },
    statuses: [200, 404, 409],
    handlerRejects: NUL_REFUSED,
  },
  GetQuotaAudit: {
    method: 'get',
    path: '/quotas/{owner}/{gpuType}/audit',
    params: { owner: encodeURIComponent(CHAT), gpuType: H100 },
    query: { limit: '50', cursor: cursorOf({ a: 0 }) },
    statuses: [200],
    handlerRejects: FOREIGN_CURSOR,
  },
  ListReservations: {
    method: 'get',
    path: '/reservations',
    params: {},
    query: {
      owner: CHAT,
      state: 'pending',
      limit: '1000',
      cursor: cursorOf({ t: Date.parse('2100-01-01'), i: 'z' }),
    },
    statuses: [200],
    handlerRejects: FOREIGN_CURSOR,
  },
  GetReservation: {
    method: 'get',
    path: '/reservations/{id}',
    params: { id: '00000000-0000-4000-8000-000000000000' },
    query: {},
    statuses: [200, 404],
  },
  CreateReservation: {
    method: 'post',
    path: '/reservations',
    params: {},
    query: {},
    body: {
      owner: CHAT,
      gpuType: H100,
      gpus: 1,
      ttlSeconds: 600,
      idempotencyKey: 'fuzz-key',
      entityRef: 'component:default/support-chat-llm',
      workload: { cluster: 'gpu-a', namespace: 'ml-chat', name: 'chat' },
    },
    statuses: [200, 201, 409],
    handlerRejects: NUL_REFUSED,
  },
  ReleaseReservation: {
    method: 'post',
    path: '/reservations/{id}/release',
    params: { id: '00000000-0000-4000-8000-000000000000' },
    query: {},
    statuses: [200, 404, 409],
  },
  GetUsage: {
    method: 'get',
    path: '/usage',
    params: {},
    query: {
      entityRef: 'component:default/support-chat-llm',
      owner: CHAT,
      days: '7',
      granularity: 'hour',
    },
    statuses: [200],
    // a window longer than the bounds of its granularity and filters
    handlerRejects: /^days must be at most \d+ with granularity=(hour|day)/,
  },
  GetPlatformOverview: {
    method: 'get',
    path: '/platform',
    params: {},
    query: {},
    statuses: [200],
  },
};

const specOperations = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item as Record<string, { operationId: string }>).map(
    ([method, op]) => ({ operationId: op.operationId, method, path }),
  ),
);

// ---------------------------------------------------------------- requests

interface FuzzRequest {
  params: Record<string, string>;
  query: Array<[string, string]>;
  body?: { json: unknown } | { raw: string; contentType: string };
}

function urlOf(route: FuzzRoute, req: FuzzRequest): string {
  const path = route.path.replace(/\{(\w+)\}/g, (_, name) => req.params[name]);
  const query = req.query.map(([k, v]) => `${k}=${v}`).join('&');
  return `${BASE}${path}${query ? `?${query}` : ''}`;
}

/** Random everything: each path param valid or nasty, random (also unknown, repeated, bracketed) query keys, random body. */
function anyRequest(route: FuzzRoute): fc.Arbitrary<FuzzRequest> {
  const paramArb = fc.record(
    Object.fromEntries(
      Object.entries(route.params).map(([name, valid]) => [
        name,
        fc.oneof(fc.constant(valid), nastySegment),
      ]),
    ),
  );
  const keys = [
    ...Object.keys(route.query),
    ...Object.keys(route.query).map(k => `${k}[]`),
    ...Object.keys(route.query).map(k => `${k}[x]`),
    '__proto__[admin]',
    'constructor[prototype][admin]',
    'unknown',
  ];
  const queryArb = fc.array(
    fc.tuple(
      fc.constantFrom(...keys),
      fc.oneof(
        ...Object.values(route.query).map(v => fc.constant(encodeSegment(v))),
        nastySegment,
      ),
    ),
    { maxLength: 4 },
  );
  const bodyArb = route.body
    ? fc.oneof(
        // the valid body with fields replaced, dropped or added
        fc
          .record({
            replace: fc.dictionary(
              fc.constantFrom(...Object.keys(route.body)),
              nastyValue,
              { maxKeys: 3 },
            ),
            drop: fc.subarray(Object.keys(route.body)),
            extra: fc.dictionary(nastyString, nastyValue, { maxKeys: 2 }),
          })
          .map(({ replace, drop, extra }) => {
            const json: Record<string, unknown> = { ...route.body, ...replace };
            for (const key of drop) delete json[key];
            return { json: { ...json, ...extra } };
          }),
        fc.jsonValue().map(json => ({ json })),
        fc.record({
          raw: rawBody,
          contentType: fc.constantFrom(
            'application/json',
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/json; charset=utf-16',
            'application/xml',
          ),
        }),
      )
    : fc.constant(undefined);
  return fc.record({ params: paramArb, query: queryArb, body: bodyArb });
}

/** The input of one field, replaced by a value that violates its schema by construction. */
interface Mutation {
  where: 'params' | 'query' | 'body';
  field: string;
  value: unknown;
}

const notAString = fc.oneof(
  fc.integer(),
  fc.constantFrom(...HUGE_NUMBERS),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { minLength: 1, maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { minKeys: 1, maxKeys: 3 }),
);
// every pattern of the spec is anchored and allows only [A-Za-z0-9._:/-], so one of these breaks it
const breaksPattern = fc
  .tuple(
    fc.oneof(fc.constant(''), nastyString),
    fc.constantFrom(' ', "'", '"', ';', '<', '\u0000', '😀', 'é', '\n', '%'),
    fc.oneof(fc.constant(''), nastyString),
  )
  .map(([a, bad, b]) => `${a}${bad}${b}`);
const notAWholeNumber = fc.oneof(
  notAString.filter(v => typeof v !== 'number' || !Number.isInteger(v)),
  fc.string({ minLength: 1 }).filter(s => !/^\d+$/.test(s.trim())),
  fc.double({ noInteger: true, noDefaultInfinity: true, noNaN: true }),
  fc.constantFrom(-1, 1e7, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2),
);

const FIELD_VIOLATIONS: Record<string, fc.Arbitrary<unknown>> = {
  // path params: always strings on the wire
  'params.kind': breaksPattern,
  'params.namespace': breaksPattern,
  'params.name': breaksPattern,
  'params.owner': breaksPattern,
  'params.gpuType': breaksPattern,
  'params.id': breaksPattern,
  // a cluster name starts with a letter or digit and is at most 254 characters long
  'params.cluster': fc.oneof(
    breaksPattern,
    fc.constantFrom('-gpu-a', '.gpu-a', '_gpu-a'),
    fc.integer({ min: 255, max: 5000 }).map(n => 'c'.repeat(n)),
  ),
  // query params
  'query.loadMultiplier': fc.oneof(
    breaksPattern,
    fc.constantFrom('0', '101', '1000.5', '-5', '1e2'),
  ),
  'query.cluster': fc.integer({ min: 254, max: 5000 }).map(n => 'c'.repeat(n)),
  'query.owner': breaksPattern,
  'query.entityRef': breaksPattern,
  'query.gpuType': breaksPattern,
  'query.health': breaksPattern,
  'query.state': fc.oneof(
    breaksPattern,
    fc.constantFrom('PENDING', 'deleted', 'pending '),
  ),
  'query.days': fc.oneof(
    breaksPattern,
    fc.constantFrom('0', '400', '-1', '1.5', '01', '99999999999'),
  ),
  'query.limit': fc.oneof(
    breaksPattern,
    fc.constantFrom('0', '1001', '-1', '1e3', '01', '99999999999'),
  ),
  'query.cursor': fc.oneof(
    breaksPattern,
    fc.constant('c'.repeat(257)),
    fc.constantFrom('a.b', 'a=b', 'e30='),
  ),
  'query.force': fc.oneof(breaksPattern, fc.constantFrom('TRUE', 'yes', '1')),
  'query.reason': fc.integer({ min: 1001, max: 3000 }).map(n => 'r'.repeat(n)),
  'query.granularity': fc.oneof(
    breaksPattern,
    fc.constantFrom('minute', 'DAY'),
  ),
  // bodies
  'body.limit': fc.oneof(notAWholeNumber, fc.constantFrom(100_001, -1)),
  'body.reason': fc.oneof(
    notAString.filter(v => typeof v !== 'string'),
    fc.integer({ min: 1001, max: 20_000 }).map(n => 'r'.repeat(n)),
  ),
  'body.owner': fc.oneof(
    breaksPattern,
    notAString,
    fc.constant('o'.repeat(300)),
  ),
  'body.gpuType': fc.oneof(breaksPattern, notAString),
  'body.gpus': fc.oneof(notAWholeNumber, fc.constantFrom(0, 10_001)),
  'body.ttlSeconds': fc.oneof(notAWholeNumber, fc.constantFrom(59, 604_801)),
  'body.idempotencyKey': fc.oneof(
    notAString.filter(v => typeof v !== 'string'),
    fc.constant(''),
    fc.integer({ min: 256, max: 10_000 }).map(n => 'k'.repeat(n)),
  ),
  'body.entityRef': fc.oneof(breaksPattern, notAString),
  'body.workload': fc.oneof(
    fc.constantFrom('gpu-a/ml-chat/chat', 42, null, []),
    fc.constant({ cluster: 'gpu-a', namespace: 'ml-chat' }),
    breaksPattern.map(name => ({
      cluster: 'gpu-a',
      namespace: 'ml-chat',
      name,
    })),
    breaksPattern.map(namespace => ({
      cluster: 'gpu-a',
      namespace,
      name: 'chat',
    })),
  ),
};

function oneFieldViolated(
  route: FuzzRoute,
): fc.Arbitrary<Mutation> | undefined {
  const fields = [
    ...Object.keys(route.params).map(f => ['params', f] as const),
    ...Object.keys(route.query).map(f => ['query', f] as const),
    ...Object.keys(route.body ?? {}).map(f => ['body', f] as const),
  ];
  if (fields.length === 0) return undefined;
  return fc.oneof(
    ...fields.map(([where, field]) => {
      const violation = FIELD_VIOLATIONS[`${where}.${field}`];
      if (!violation)
        throw new Error(`No violation generator for ${where}.${field}`);
      return violation.map(value => ({ where, field, value }));
    }),
  );
}

/** Unpaired surrogates become U+FFFD, so the text can be percent-encoded as valid UTF-8. */
function wellFormed(value: string): string {
  return value.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
}

/** RFC 3986 encoding (encodeURIComponent leaves !'()* as they are, which the validator refuses in a query). */
function encodeStrict(value: string): string {
  return encodeURIComponent(wellFormed(value)).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The route's valid sample request, with at most one field replaced (encoded correctly: the value is the problem). */
function mutated(route: FuzzRoute, m?: Mutation): FuzzRequest {
  const params = { ...route.params };
  const query: Array<[string, string]> = Object.entries(route.query).map(
    ([k, v]) => [k, encodeSegment(v)],
  );
  let body = route.body ? { ...route.body } : undefined;
  if (m?.where === 'params') params[m.field] = encodeStrict(String(m.value));
  if (m?.where === 'query') {
    const i = query.findIndex(([k]) => k === m.field);
    query[i] = [m.field, encodeStrict(String(m.value))];
  }
  if (m?.where === 'body') body = { ...body, [m.field]: m.value };
  return { params, query, body: body ? { json: body } : undefined };
}

// ---------------------------------------------------------------- schema-valid but awkward

const openapi = spec as any;

function deref(schema: any): any {
  if (!schema?.$ref) return schema;
  const target = (schema.$ref as string)
    .slice(2)
    .split('/')
    .reduce((node: any, key) => node[key], openapi);
  return deref(target);
}

const codePoints = (s: string) => [...s].length;

/** Text without a pattern: NUL and other control characters, unicode, injection strings, the longest allowed. */
function freeText(minLength: number, maxLength: number): fc.Arbitrary<string> {
  const short = Math.min(maxLength, 60);
  return fc
    .oneof(
      fc.constantFrom(...INJECTIONS),
      fc.string({ unit: 'binary', minLength, maxLength: short }),
      fc.string({ unit: 'grapheme', minLength, maxLength: short }),
      fc.constant('\u0000'.repeat(Math.max(minLength, 1))),
      fc.constant('z'.repeat(maxLength)),
      fc.constant('🚀'.repeat(maxLength)),
    )
    .filter(s => codePoints(s) >= minLength && codePoints(s) <= maxLength);
}

/** Values a schema of the spec accepts, picked to be awkward: range edges, pattern corners, free text at its worst. */
function schemaValid(raw: unknown): fc.Arbitrary<unknown> {
  const schema = deref(raw);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.type === 'integer') {
    const { minimum: min, maximum: max } = schema;
    return fc.oneof(fc.constantFrom(min, max), fc.integer({ min, max }));
  }
  if (schema.type === 'string' && schema.format === 'uuid') return fc.uuid();
  if (schema.type === 'string' && schema.pattern) {
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter(s => codePoints(s) <= (schema.maxLength ?? Infinity));
  }
  if (schema.type === 'string') {
    return freeText(schema.minLength ?? 0, schema.maxLength ?? 1000);
  }
  if (schema.type === 'object') {
    return fc.record(
      Object.fromEntries(
        Object.entries(schema.properties).map(([k, v]) => [k, schemaValid(v)]),
      ),
      { requiredKeys: schema.required ?? [] },
    );
  }
  throw new Error(`No generator for schema ${JSON.stringify(schema)}`);
}

/** A request the spec accepts in every part, built from the operation's parameters and body schema. */
function schemaValidRequest(route: FuzzRoute): fc.Arbitrary<FuzzRequest> {
  const operation = openapi.paths[route.path][route.method];
  const parameters = (operation.parameters ?? []).map(deref);
  // OpenAPI's allowEmptyValue is false by default: `?cluster=` is not a value
  const encoded = (p: any) =>
    schemaValid(p.schema)
      .filter(v => v !== '')
      .map(v => encodeStrict(String(v)));
  const params = fc.record(
    Object.fromEntries(
      parameters
        .filter((p: any) => p.in === 'path')
        .map((p: any) => [p.name, encoded(p)]),
    ),
  ) as fc.Arbitrary<Record<string, string>>;
  const query = fc
    .record(
      Object.fromEntries(
        parameters
          .filter((p: any) => p.in === 'query')
          .map((p: any) => [p.name, encoded(p)]),
      ),
      { requiredKeys: [] },
    )
    .map(q => Object.entries(q) as Array<[string, string]>);
  const schema = operation.requestBody?.content['application/json'].schema;
  const body = schema
    ? schemaValid(schema).map(json => ({ json }))
    : fc.constant(undefined);
  return fc.record({ params, query, body });
}

// ---------------------------------------------------------------- the backend

describe('bad input', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let server: Parameters<typeof request>[0];

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      const backend = await startTestBackend({
        features: [
          inferencePlugin,
          mockServices.rootConfig.factory({
            data: {
              inference: {
                quotas: [{ owner: 'ml-chat', gpuType: H100, limit: 8 }],
                clusters: [TRACKED_CLUSTER],
                metrics: { enabled: false },
                // thousands of writes by one admin: validation must answer, not the rate limit
                rateLimit: { writesPerMinute: 1_000_000 },
              },
            },
          }),
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({
            entities: [
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'Group',
                metadata: { name: 'ml-chat', namespace: 'default' },
                spec: { type: 'team', children: [] },
              },
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'Component',
                metadata: { name: 'support-chat-llm', namespace: 'default' },
                spec: { type: 'service', owner: CHAT, lifecycle: 'production' },
              },
            ],
          }),
          mockServices.httpAuth.factory({
            defaultCredentials: mockCredentials.none(),
          }),
          // every permission allowed: validation, not authorization, answers
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        ],
      });
      server = backend.server;
    });

    async function send(route: FuzzRoute, req: FuzzRequest) {
      const call = request(server)
        [route.method](urlOf(route, req))
        .set('Authorization', mockCredentials.user.header(ADMIN));
      if (!req.body) return call;
      // serialized here: superagent only sends objects itself
      if ('json' in req.body)
        return call
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(req.body.json));
      return call.set('Content-Type', req.body.contentType).send(req.body.raw);
    }

    /** A correct backend's answer: an expected status, JSON, and for refusals a Backstage error naming the problem. */
    function expectCleanAnswer(
      route: FuzzRoute,
      req: FuzzRequest,
      res: request.Response,
    ) {
      if (res.status === 431) {
        expect(Buffer.byteLength(urlOf(route, req))).toBeGreaterThan(
          LONG_URL_BYTES,
        );
        return;
      }
      const allowed = [
        ...route.statuses,
        400, // unknown query parameters
        ...(route.path.includes('{') ? [404] : []), // '..' segments and the like leave the route
      ];
      if (!allowed.includes(res.status)) {
        throw new Error(
          `Unexpected ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`,
        );
      }
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      if (res.status >= 400) {
        expect(res.body.error).toEqual(
          expect.objectContaining({
            name: expect.stringMatching(/Error$/),
            message: expect.stringMatching(/\S/),
          }),
        );
        expect(res.body.error.message).not.toMatch(
          /internal error|Cannot read prop|is not a function|is not defined|\[object Object\]/,
        );
        // an absent value printed into the message, unless the request itself carried the word
        if (!JSON.stringify(req).includes('undefined')) {
          expect(res.body.error.message).not.toMatch(/\bundefined\b/);
        }
      }
      if (res.status === 400) expect(res.body.error.name).toBe('InputError');
    }

    /** One field broken: a 400 whose message names the field (or Node's 431 when the value made the URL too long). */
    function expectRefusalNaming(
      route: FuzzRoute,
      m: Mutation,
      req: FuzzRequest,
      res: request.Response,
    ) {
      expectCleanAnswer(route, req, res);
      if (res.status === 431) return;
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(m.field);
    }

    /** Input the spec accepts: an answer to valid input, or a 400 from a documented handler check. */
    function expectAccepted(
      route: FuzzRoute,
      req: FuzzRequest,
      res: request.Response,
    ) {
      const handlerRejected =
        res.status === 400 &&
        route.handlerRejects?.test(res.body.error?.message);
      if (!route.statuses.includes(res.status) && !handlerRejected) {
        throw new Error(
          `Unexpected ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`,
        );
      }
      expectCleanAnswer(route, req, res);
    }

    /** Reservations of ml-chat have room, so awkward keys and refs are written, not only refused. */
    async function makeRoomForReservations() {
      const raised = await request(server)
        .put(`${BASE}/quotas/${encodeURIComponent(CHAT)}/${H100}`)
        .set('Authorization', mockCredentials.user.header(ADMIN))
        .send({ limit: 100_000 });
      expect(raised.status).toBe(200);
    }

    /** The backend still answers and its ledger is intact (no injected SQL ran). */
    async function expectStillServing() {
      const health = await request(server)
        .get(`${BASE}/health`)
        .set('Authorization', mockCredentials.user.header(ADMIN));
      expect(health.status).toBe(200);
      const quotas = await request(server)
        .get(`${BASE}/quotas?owner=${encodeURIComponent(CHAT)}`)
        .set('Authorization', mockCredentials.user.header(ADMIN));
      expect(quotas.status).toBe(200);
      expect(quotas.body.items).toContainEqual(
        expect.objectContaining({ owner: CHAT, gpuType: H100 }),
      );
    }

    it('has a fuzz route for every operation of openapi.yaml', () => {
      expect(
        specOperations
          .map(o => `${o.method} ${o.path} ${o.operationId}`)
          .sort(),
      ).toEqual(
        Object.entries(ROUTES)
          .map(([id, r]) => `${r.method} ${r.path} ${id}`)
          .sort(),
      );
    });

    it.each([
      ['UpdateQuota', 'reason'],
      ['CreateReservation', 'idempotencyKey'],
    ])(
      '%s refuses a NUL character in %s with a 400 naming it, on every database',
      async (operationId, field) => {
        const route = ROUTES[operationId];
        const res = await send(route, {
          ...mutated(route),
          body: { json: { ...route.body, [field]: 'fuzz\u0000key' } },
        });
        expect(res.status).toBe(400);
        expect(res.body.error).toEqual({
          name: 'InputError',
          message: `${field} must not contain the NUL character (\\u0000)`,
        });
      },
    );

    it('reads a body without Content-Type as JSON and names the missing field', async () => {
      const res = await request(server)
        .put(`${BASE}/quotas/${encodeURIComponent(CHAT)}/${H100}`)
        .set('Authorization', mockCredentials.user.header(ADMIN));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/required property 'limit'/);
    });

    it.each(Object.keys(ROUTES))(
      '%s: valid sample request is accepted',
      async operationId => {
        const route = ROUTES[operationId];
        const res = await send(route, mutated(route));
        expect(res.status).toBeLessThan(500);
        expect(res.status).not.toBe(400);
      },
    );

    it.each(Object.keys(ROUTES))(
      '%s: random input never gets a 5xx or an unclear error',
      async operationId => {
        const route = ROUTES[operationId];
        expect.hasAssertions();
        await fc.assert(
          fc.asyncProperty(anyRequest(route), async req => {
            expectCleanAnswer(route, req, await send(route, req));
          }),
          { numRuns: RUNS },
        );
        await expectStillServing();
      },
    );

    it.each(Object.keys(ROUTES).filter(id => oneFieldViolated(ROUTES[id])))(
      '%s: one invalid field gets a 400 naming it',
      async operationId => {
        const route = ROUTES[operationId];
        expect.hasAssertions();
        await fc.assert(
          fc.asyncProperty(oneFieldViolated(route)!, async m => {
            const req = mutated(route, m);
            expectRefusalNaming(route, m, req, await send(route, req));
          }),
          { numRuns: Math.ceil(RUNS / 2) },
        );
        await expectStillServing();
      },
    );
    it.each(Object.keys(ROUTES))(
      '%s: input the spec accepts is answered, whatever its content',
      async operationId => {
        const route = ROUTES[operationId];
        expect.hasAssertions();
        await makeRoomForReservations();
        const requests =
          operationId === 'CreateReservation'
            ? fc.oneof(
                schemaValidRequest(route),
                schemaValidRequest(route).map(req => ({
                  ...req,
                  body: {
                    json: {
                      ...(req.body as { json: object }).json,
                      owner: CHAT,
                      gpuType: H100,
                      gpus: 1,
                    },
                  },
                })),
              )
            : schemaValidRequest(route);
        await fc.assert(
          fc.asyncProperty(requests, async req => {
            expectAccepted(route, req, await send(route, req));
          }),
          { numRuns: RUNS },
        );
        await expectStillServing();
      },
    );
  });
});
