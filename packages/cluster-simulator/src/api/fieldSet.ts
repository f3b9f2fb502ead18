/*
 * Field sets: which fields of an object a manager owns, in the notation of
 * `managedFields[].fieldsV1` (`f:spec`, `k:{"name":"vllm"}`, `v:"x"`, `.`).
 * A set is held flat, as one string per path, to make ownership arithmetic
 * (conflict, steal, release) plain set operations.
 */
import {
  isAtomicMap,
  isPlainObject,
  jsonEqual,
  listSemantics,
} from './listSemantics';

/** A flat field set: each entry is a path of FieldsV1 segments joined by SEP. @public */
export type FieldSet = Set<string>;

const SEP = '\u0001';

/** Metadata fields that belong to the server, never to a manager. */
const SERVER_OWNED_META = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

function keySegment(item: Record<string, unknown>, key: string): string {
  return `k:${JSON.stringify({ [key]: item[key] })}`;
}

function walk(
  value: unknown,
  field: string,
  prefix: string[],
  out: FieldSet,
  builtIn: boolean,
): void {
  if (Array.isArray(value)) {
    const semantics = listSemantics(field, value, builtIn);
    if (semantics.kind === 'keyed' && value.every(isPlainObject)) {
      for (const item of value as Array<Record<string, unknown>>) {
        const itemPath = [...prefix, keySegment(item, semantics.key)];
        out.add([...itemPath, '.'].join(SEP));
        walkObject(item, itemPath, out, builtIn);
      }
      return;
    }
    if (semantics.kind === 'set') {
      for (const v of value)
        out.add([...prefix, `v:${JSON.stringify(v)}`].join(SEP));
      return;
    }
    out.add(prefix.join(SEP));
    return;
  }
  if (
    isPlainObject(value) &&
    !isAtomicMap(field) &&
    Object.keys(value).length > 0
  ) {
    walkObject(value, prefix, out, builtIn);
    return;
  }
  out.add(prefix.join(SEP));
}

function walkObject(
  obj: Record<string, unknown>,
  prefix: string[],
  out: FieldSet,
  builtIn: boolean,
): void {
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    walk(v, k, [...prefix, `f:${k}`], out, builtIn);
  }
}

/**
 * The fields an object (or an applied configuration) sets. `scope` selects
 * the main resource (everything but status) or the status subresource.
 */
export function fieldsOf(
  obj: Record<string, unknown>,
  scope: 'main' | 'status',
  builtIn: boolean,
): FieldSet {
  const out: FieldSet = new Set();
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || v === undefined) continue;
    if ((k === 'status') !== (scope === 'status')) continue;
    if (k === 'metadata' && isPlainObject(v)) {
      for (const [mk, mv] of Object.entries(v)) {
        if (SERVER_OWNED_META.has(mk) || mv === undefined) continue;
        walk(mv, mk, ['f:metadata', `f:${mk}`], out, builtIn);
      }
      continue;
    }
    walk(v, k, [`f:${k}`], out, builtIn);
  }
  return out;
}

function parseSegment(seg: string): { type: string; body: string } {
  return { type: seg.slice(0, 2), body: seg.slice(2) };
}

interface Located {
  container: Record<string, unknown> | unknown[];
  index: string | number;
}

function locate(obj: unknown, path: string): Located | undefined {
  const segs = path.split(SEP);
  let cur: unknown = obj;
  let container: Record<string, unknown> | unknown[] | undefined;
  let index: string | number = '';
  for (const seg of segs) {
    if (seg === '.') break;
    const { type, body } = parseSegment(seg);
    if (type === 'f:') {
      if (!isPlainObject(cur)) return undefined;
      container = cur;
      index = body;
      cur = cur[body];
    } else if (type === 'k:') {
      if (!Array.isArray(cur)) return undefined;
      const keyObj = JSON.parse(body) as Record<string, unknown>;
      const [k, v] = Object.entries(keyObj)[0];
      const at = cur.findIndex(x => isPlainObject(x) && jsonEqual(x[k], v));
      if (at < 0) return undefined;
      container = cur;
      index = at;
      cur = cur[at];
    } else if (type === 'v:') {
      if (!Array.isArray(cur)) return undefined;
      const value = JSON.parse(body);
      const at = cur.findIndex(x => jsonEqual(x, value));
      if (at < 0) return undefined;
      container = cur;
      index = at;
      cur = cur[at];
    } else {
      return undefined;
    }
    if (cur === undefined) return undefined;
  }
  return container === undefined ? undefined : { container, index };
}

/** The value an object holds at a field path, or undefined. */
export function valueAtPath(obj: unknown, path: string): unknown {
  const at = locate(obj, path);
  if (!at) return undefined;
  return Array.isArray(at.container)
    ? at.container[at.index as number]
    : at.container[at.index as string];
}

/**
 * Removes the value at a field path (a list item for `k:`/`v:` paths).
 * Returns the path of a list the removal left empty, so the caller can drop it.
 */
export function removeAtPath(obj: unknown, path: string): string | undefined {
  const at = locate(obj, path);
  if (!at) return undefined;
  if (Array.isArray(at.container)) {
    at.container.splice(at.index as number, 1);
    if (at.container.length === 0) {
      const segs = path.split(SEP);
      const itemAt =
        segs[segs.length - 1] === '.' ? segs.length - 2 : segs.length - 1;
      return segs.slice(0, itemAt).join(SEP);
    }
    return undefined;
  }
  delete at.container[at.index as string];
  return undefined;
}

/** Orders removals: whole list items first (shallowest first), then fields. */
export function removalOrder(paths: string[]): string[] {
  const items = paths
    .filter(isMembershipPath)
    .sort((a, b) => a.length - b.length);
  const fields = paths
    .filter(p => !isMembershipPath(p))
    .sort((a, b) => b.length - a.length);
  return [...items, ...fields];
}

/** Converts a flat set into the nested FieldsV1 JSON of managedFields. */
export function toFieldsV1(set: FieldSet): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const path of Array.from(set).sort()) {
    let cur = root;
    for (const seg of path.split(SEP)) {
      cur = (cur[seg] as Record<string, unknown>) ?? (cur[seg] = {});
    }
  }
  return root;
}

/** Converts FieldsV1 JSON back into a flat set. */
export function fromFieldsV1(
  fields: Record<string, unknown> | undefined,
): FieldSet {
  const out: FieldSet = new Set();
  const visit = (node: Record<string, unknown>, prefix: string[]) => {
    const keys = Object.keys(node);
    if (keys.length === 0 && prefix.length > 0) {
      out.add(prefix.join(SEP));
      return;
    }
    for (const k of keys) {
      const child = node[k];
      visit(isPlainObject(child) ? child : {}, [...prefix, k]);
    }
  };
  if (fields) visit(fields, []);
  return out;
}

/** Human form of a path for conflict messages: `.spec.replicas`. */
export function describePath(path: string): string {
  return path
    .split(SEP)
    .filter(s => s !== '.')
    .map(seg => {
      const { type, body } = parseSegment(seg);
      if (type === 'f:') return `.${body}`;
      if (type === 'k:')
        return `[${Object.entries(JSON.parse(body))
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
      return `[${body}]`;
    })
    .join('');
}

/**
 * True for paths that only record membership (a keyed item's `.` or a set
 * member `v:`): two managers can both hold them without conflicting.
 */
export function isMembershipPath(path: string): boolean {
  const last = path.slice(path.lastIndexOf(SEP) + 1);
  return last === '.' || last.startsWith('v:');
}
