/**
 * Screening of watched objects before they are cached: an object whose fields the domain model reads have the wrong
 * type (a list that is a string, a count that is a word) is skipped and reported instead of being derived from, so
 * one malformed object cannot stop the derivation of its cluster. Built-in objects from a real API server always
 * pass; custom resources are only as well-formed as their CRD's schema makes them.
 */
import { SkippedObject } from '@inference-platform/plugin-inference-common';
import { TrackedResource } from './resources';
import { trimObject } from './trim';

type Json = Record<string, any>;

/** What is wrong with a value, and where: the path is filled in on the way out, only when something is wrong. */
interface Problem {
  path: Array<string | number>;
  message: string;
}

/** Checks a value; says what is wrong, or nothing. */
type Check = (value: unknown) => Problem | undefined;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') {
    const text = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(text);
  }
  if (typeof value === 'object') return 'an object';
  return String(value);
}

const isPlain = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Absent: API servers write `null` for unset optional fields (an event's `eventTime`, a template's timestamp). */
const absent = (value: unknown) => value === undefined || value === null;

const wrong = (expected: string, value: unknown): Problem => ({
  path: [],
  message: `expected ${expected}, got ${describe(value)}`,
});

/** `spec.containers[0].resources.limits.nvidia.com/gpu: expected a quantity, got an object` */
function format(problem: Problem): string {
  const path = problem.path
    .map((key, i) =>
      typeof key === 'number' ? `[${key}]` : `${i > 0 ? '.' : ''}${key}`,
    )
    .join('');
  return path ? `${path}: ${problem.message}` : problem.message;
}

// every field is optional: absent always passes, `required` says what must be there
const string: Check = v =>
  absent(v) || typeof v === 'string' ? undefined : wrong('a string', v);
const number: Check = v =>
  absent(v) || (typeof v === 'number' && Number.isFinite(v))
    ? undefined
    : wrong('a number', v);
const count: Check = v =>
  absent(v) || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)
    ? undefined
    : wrong('a whole number', v);
const boolean: Check = v =>
  absent(v) || typeof v === 'boolean' ? undefined : wrong('true or false', v);
/** A Kubernetes quantity: a string, or the number a custom resource keeps. */
const quantity: Check = v =>
  absent(v) ||
  typeof v === 'string' ||
  (typeof v === 'number' && Number.isFinite(v))
    ? undefined
    : wrong('a quantity', v);
const any: Check = () => undefined;

function object(fields: Record<string, Check>): Check {
  const entries = Object.entries(fields);
  return v => {
    if (absent(v)) return undefined;
    if (!isPlain(v)) return wrong('an object', v);
    for (const [key, check] of entries) {
      const problem = check(v[key]);
      if (problem) {
        problem.path.unshift(key);
        return problem;
      }
    }
    return undefined;
  };
}

function list(item: Check): Check {
  return v => {
    if (absent(v)) return undefined;
    if (!Array.isArray(v)) return wrong('a list', v);
    for (let i = 0; i < v.length; i++) {
      const problem = absent(v[i]) ? wrong('a value', v[i]) : item(v[i]);
      if (problem) {
        problem.path.unshift(i);
        return problem;
      }
    }
    return undefined;
  };
}

function map(value: Check): Check {
  return v => {
    if (absent(v)) return undefined;
    if (!isPlain(v)) return wrong('an object', v);
    for (const key in v) {
      if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
      const problem = value(v[key]);
      if (problem) {
        problem.path.unshift(key);
        return problem;
      }
    }
    return undefined;
  };
}

function required(check: Check): Check {
  return v => (absent(v) ? { path: [], message: 'required' } : check(v));
}

const metadata = (namespaced: boolean) =>
  required(
    object({
      name: required(string),
      namespace: namespaced ? required(string) : string,
      uid: string,
      labels: map(string),
      annotations: map(string),
      creationTimestamp: string,
      deletionTimestamp: string,
      ownerReferences: list(object({ kind: string, name: string })),
    }),
  );

const resources = object({ limits: map(quantity), requests: map(quantity) });

const container = object({
  name: string,
  image: string,
  command: list(string),
  args: list(string),
  resources,
  ports: list(object({ name: string, containerPort: any })),
});

const podSpec = object({
  nodeName: string,
  nodeSelector: map(string),
  gpuProductAffinity: list(string),
  tolerations: list(object({ key: string })),
  containers: list(container),
});

const podTemplate = object({
  metadata: object({ labels: map(string) }),
  spec: podSpec,
});

const containerState = object({
  waiting: object({ reason: string, message: string }),
  running: object({ startedAt: string }),
  terminated: object({
    reason: string,
    exitCode: number,
    signal: number,
    message: string,
    startedAt: string,
    finishedAt: string,
  }),
});

const containerStatus = object({
  name: string,
  ready: boolean,
  started: boolean,
  restartCount: count,
  image: string,
  state: containerState,
  lastState: containerState,
});

const scaleTargetRef = object({ kind: string, name: string });

const replicaStatus = object({
  replicas: count,
  readyReplicas: count,
  availableReplicas: count,
  updatedReplicas: count,
});

/** What derivation reads of each tracked resource, beyond its metadata. */
const SHAPES: Record<string, Record<string, Check>> = {
  pods: {
    spec: podSpec,
    status: object({
      phase: string,
      reason: string,
      message: string,
      startTime: string,
      conditions: list(
        object({
          type: string,
          status: string,
          reason: string,
          message: string,
          lastTransitionTime: string,
        }),
      ),
      containerStatuses: list(containerStatus),
      initContainerStatuses: list(containerStatus),
    }),
  },
  events: {
    reason: string,
    message: string,
    count: number,
    involvedObject: object({
      kind: string,
      name: string,
      namespace: string,
      uid: string,
    }),
    source: object({ component: string, host: string }),
    firstTimestamp: string,
    lastTimestamp: string,
    eventTime: string,
  },
  nodes: {
    spec: object({
      unschedulable: boolean,
      taints: list(object({ key: string, value: string, effect: string })),
    }),
    status: object({
      capacity: map(quantity),
      allocatable: map(quantity),
      conditions: list(object({ type: string, status: string })),
    }),
  },
  resourcequotas: {
    spec: object({ hard: map(quantity) }),
    status: object({ hard: map(quantity), used: map(quantity) }),
  },
  deployments: {
    spec: object({ replicas: count, template: podTemplate }),
    status: replicaStatus,
  },
  statefulsets: {
    spec: object({ replicas: count, template: podTemplate }),
    status: replicaStatus,
  },
  replicasets: {
    spec: object({ replicas: count }),
    status: replicaStatus,
  },
  horizontalpodautoscalers: {
    spec: object({ scaleTargetRef, minReplicas: count, maxReplicas: count }),
    status: object({ currentReplicas: count, desiredReplicas: count }),
  },
  scaledobjects: {
    spec: object({
      scaleTargetRef,
      minReplicaCount: count,
      maxReplicaCount: count,
      idleReplicaCount: count,
      triggers: list(object({ type: string, metadata: map(any) })),
    }),
  },
  nodepools: {
    spec: object({
      limits: map(quantity),
      template: object({
        metadata: object({ labels: map(string) }),
        spec: object({ requirements: list(any) }),
      }),
    }),
    status: object({ resources: map(quantity) }),
  },
  inferenceservices: {
    spec: object({
      predictor: object({
        minReplicas: count,
        maxReplicas: count,
        model: object({
          storageUri: string,
          args: list(string),
          image: string,
          resources,
        }),
      }),
    }),
  },
  leaderworkersets: {
    spec: object({
      replicas: count,
      leaderWorkerTemplate: object({
        size: count,
        leaderTemplate: podTemplate,
        workerTemplate: podTemplate,
      }),
    }),
    status: replicaStatus,
  },
};

const CHECKS = new Map<string, Check>(
  Object.entries(SHAPES).map(([id, fields]) => [id, object(fields)]),
);

const SKIPPED = Symbol('skipped');

/** An object held in the cache in place of one that was skipped: its identity and why. */
export interface SkippedEntry {
  metadata: { name?: string; namespace?: string };
  [SKIPPED]: SkippedObject;
}

/** The skipped object a cache entry stands for, if it stands for one. */
export function skippedOf(value: unknown): SkippedObject | undefined {
  return isPlain(value) ? (value as Partial<SkippedEntry>)[SKIPPED] : undefined;
}

/** What {@link screenObject} made of a watched object: the trimmed object, a skipped entry, or nothing to cache. */
export type Screened = Json | SkippedEntry | undefined;

function identity(raw: unknown): { name: string; namespace?: string } {
  const meta = isPlain(raw) && isPlain(raw.metadata) ? raw.metadata : {};
  return {
    name: typeof meta.name === 'string' ? meta.name : '(unnamed)',
    namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
  };
}

/**
 * Trims a watched object for the cache and checks the fields derivation reads. A malformed object becomes a
 * {@link SkippedEntry} naming it, the field and what is wrong with it; `undefined` means "do not cache" (an event
 * that is not a warning).
 */
export function screenObject(
  resource: TrackedResource,
  raw: unknown,
): Screened {
  const check = CHECKS.get(resource.id) ?? any;
  const skip = (reason: string): SkippedEntry => {
    const { name, namespace } = identity(raw);
    return {
      metadata: { name, namespace },
      [SKIPPED]: { kind: resource.kind, namespace, name, reason },
    };
  };
  if (!isPlain(raw)) return skip(`expected an object, got ${describe(raw)}`);
  const problem = metadata(resource.namespaced)(raw.metadata);
  if (problem)
    return skip(format({ ...problem, path: ['metadata', ...problem.path] }));
  let trimmed: Json | undefined;
  try {
    trimmed = trimObject(resource.id, raw);
  } catch (error) {
    // the trimmer tripped over a field: name it from the object as it came
    const found = check(raw);
    return skip(
      found
        ? format(found)
        : `could not be read: ${
            error instanceof Error ? error.message : error
          }`,
    );
  }
  if (!trimmed) return undefined;
  const invalid = check(trimmed);
  return invalid ? skip(format(invalid)) : trimmed;
}
