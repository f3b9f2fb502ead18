/*
 * How lists and maps in Kubernetes objects merge: the `patchMergeKey` /
 * `listType=map` keys of the fields strategic-merge patch and server-side
 * apply treat as keyed sets, the primitive sets, and the atomic structs. This
 * is the small part of the OpenAPI schema both merge algorithms need, for the
 * built-in kinds; custom resources merge lists atomically, as without a
 * schema the API server does too.
 */

/** Fields whose list items are identified by one key field. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  imagePullSecrets: 'name',
  env: 'name',
  resourceClaims: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  addresses: 'type',
  topologySpreadConstraints: 'topologyKey',
  containerStatuses: 'name',
  initContainerStatuses: 'name',
};

/** Lists of primitives that merge as sets. */
const SET_LISTS = new Set(['finalizers']);

/** Map fields that are replaced as a whole (`structType=atomic` / `mapType=atomic`). */
const ATOMIC_MAPS = new Set(['selector']);

/** How the items of one list field merge. @public */
export type ListSemantics =
  | { kind: 'keyed'; key: string }
  | { kind: 'set' }
  | { kind: 'atomic' };

/**
 * The merge semantics of a list field. `ports` is keyed by `containerPort` in
 * containers and by `port` in Services, so the items decide.
 */
export function listSemantics(
  field: string,
  items: unknown[],
  builtIn: boolean,
): ListSemantics {
  if (!builtIn) {
    return field === 'finalizers' ? { kind: 'set' } : { kind: 'atomic' };
  }
  if (field === 'ports') {
    const first = items.find(i => i && typeof i === 'object') as
      | Record<string, unknown>
      | undefined;
    if (first && 'containerPort' in first)
      return { kind: 'keyed', key: 'containerPort' };
    if (first && 'port' in first) return { kind: 'keyed', key: 'port' };
    return { kind: 'atomic' };
  }
  const key = MERGE_KEYS[field];
  if (key) return { kind: 'keyed', key };
  if (SET_LISTS.has(field)) return { kind: 'set' };
  return { kind: 'atomic' };
}

/** Whether a map field is replaced as a whole. */
export function isAtomicMap(field: string): boolean {
  return ATOMIC_MAPS.has(field);
}

/** True for plain JSON objects (not arrays, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep copy of JSON data. */
export function cloneJson<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Structural equality of JSON data. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) {
      if (!Object.prototype.hasOwnProperty.call(b, k) || !jsonEqual(a[k], b[k]))
        return false;
    }
    return true;
  }
  return false;
}
