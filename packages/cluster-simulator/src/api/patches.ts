/*
 * The three patch formats of `PATCH` other than apply: JSON merge patch
 * (RFC 7386), JSON patch (RFC 6902) and strategic-merge patch, the format
 * `kubectl apply` (client-side), `kubectl patch` and `kubectl scale` send.
 */
import {
  cloneJson,
  isAtomicMap,
  isPlainObject,
  jsonEqual,
  listSemantics,
} from './listSemantics';
import { badRequest, ApiError } from './status';

/** RFC 7386: objects merge recursively, null deletes, everything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  const out: Record<string, unknown> = isPlainObject(target)
    ? { ...target }
    : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw badRequest(`invalid JSON pointer: "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(
  doc: unknown,
  path: string[],
  op: string,
): { parent: any; last: string } {
  let cur: any = doc;
  for (const seg of path.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(seg)] : cur?.[seg];
    if (cur === undefined || cur === null || typeof cur !== 'object') {
      throw new ApiError(
        422,
        'Invalid',
        `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "/${path.join(
          '/',
        )}"`,
      );
    }
  }
  return { parent: cur, last: path[path.length - 1] };
}

function getAt(doc: unknown, path: string[]): unknown {
  let cur: any = doc;
  for (const seg of path) {
    if (cur === undefined || cur === null) return undefined;
    cur = Array.isArray(cur) ? cur[Number(seg)] : cur[seg];
  }
  return cur;
}

type JsonPatchOp = { op: string; path: string; from?: string; value?: unknown };

/** One RFC 6902 operation on `holder.doc` (a holder, so the root can be replaced). */
function applyOperation(holder: { doc: unknown }, op: JsonPatchOp): void {
  const path = decodePointer(op.path);
  const missing = () =>
    new ApiError(
      422,
      'Invalid',
      `the server rejected our request due to an error in our request: ${op.op} operation does not apply: doc is missing path: "${op.path}"`,
    );
  const put = (p: string[], value: unknown, replace: boolean) => {
    if (p.length === 0) {
      holder.doc = value;
      return;
    }
    const { parent, last } = parentOf(holder.doc, p, op.op);
    if (Array.isArray(parent)) {
      const idx = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(idx) || idx < 0 || idx > parent.length)
        throw missing();
      if (replace) parent[idx] = value;
      else parent.splice(idx, 0, value);
    } else {
      if (replace && !(last in parent)) throw missing();
      parent[last] = value;
    }
  };
  const remove = (p: string[]): unknown => {
    const { parent, last } = parentOf(holder.doc, p, op.op);
    if (Array.isArray(parent)) {
      const idx = Number(last);
      if (!(idx >= 0 && idx < parent.length)) throw missing();
      return parent.splice(idx, 1)[0];
    }
    if (!(last in parent)) throw missing();
    const v = parent[last];
    delete parent[last];
    return v;
  };
  switch (op.op) {
    case 'add':
      put(path, cloneJson(op.value), false);
      break;
    case 'replace':
      put(path, cloneJson(op.value), true);
      break;
    case 'remove':
      remove(path);
      break;
    case 'move':
      put(path, remove(decodePointer(op.from ?? '')), false);
      break;
    case 'copy':
      put(
        path,
        cloneJson(getAt(holder.doc, decodePointer(op.from ?? ''))),
        false,
      );
      break;
    case 'test':
      if (!jsonEqual(getAt(holder.doc, path), op.value)) {
        throw new ApiError(
          422,
          'Invalid',
          `the server rejected our request due to an error in our request: testing value ${op.path} failed`,
        );
      }
      break;
    default:
      throw badRequest(`Unexpected kind: ${op.op}`);
  }
}

/** RFC 6902 operations on a copy of the document. */
export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops))
    throw badRequest('json patch must be an array of operations');
  const holder = { doc: cloneJson(target) };
  for (const op of ops) applyOperation(holder, op as JsonPatchOp);
  return holder.doc;
}

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList/';

function mergeList(
  field: string,
  target: unknown[] | undefined,
  patch: unknown[],
  builtIn: boolean,
): unknown[] {
  const semantics = listSemantics(
    field,
    [...patch, ...(target ?? [])],
    builtIn,
  );
  if (semantics.kind === 'atomic') {
    return patch
      .filter(i => !(isPlainObject(i) && i[DIRECTIVE] !== undefined))
      .map(cloneJson);
  }
  if (semantics.kind === 'set') {
    const out = [...(target ?? [])];
    for (const v of patch)
      if (!out.some(x => jsonEqual(x, v))) out.push(cloneJson(v));
    return out;
  }
  if (patch.some(i => isPlainObject(i) && i[DIRECTIVE] === 'replace')) {
    return patch
      .filter(i => !(isPlainObject(i) && i[DIRECTIVE] === 'replace'))
      .map(cloneJson);
  }
  const key = semantics.key;
  const out = (target ?? []).map(cloneJson) as Array<Record<string, unknown>>;
  for (const item of patch) {
    if (!isPlainObject(item)) continue;
    const idx = out.findIndex(
      x => isPlainObject(x) && jsonEqual(x[key], item[key]),
    );
    if (item[DIRECTIVE] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0)
      out[idx] = strategicMerge(out[idx], item, builtIn) as Record<
        string,
        unknown
      >;
    else
      out.push(
        strategicMerge(undefined, item, builtIn) as Record<string, unknown>,
      );
  }
  return out;
}

function orderBy(
  list: unknown[],
  order: unknown[],
  field: string,
  builtIn: boolean,
): unknown[] {
  const semantics = listSemantics(field, list, builtIn);
  const keyOf = (v: unknown) =>
    semantics.kind === 'keyed' && isPlainObject(v)
      ? JSON.stringify(v[semantics.key])
      : JSON.stringify(v);
  const rank = new Map(order.map((v, i) => [keyOf(v), i]));
  return [...list].sort(
    (a, b) =>
      (rank.get(keyOf(a)) ?? Infinity) - (rank.get(keyOf(b)) ?? Infinity),
  );
}

/**
 * Strategic-merge patch. Keyed lists (containers by name, env by name, ...)
 * merge item by item; `$patch: replace|delete`, `$retainKeys`,
 * `$setElementOrder/` and `$deleteFromPrimitiveList/` directives are honoured.
 */
export function strategicMerge(
  target: unknown,
  patch: unknown,
  builtIn = true,
): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  if (patch[DIRECTIVE] === 'delete') return undefined;
  const base: Record<string, unknown> =
    patch[DIRECTIVE] === 'replace' || !isPlainObject(target)
      ? {}
      : { ...target };
  const orders: Array<[string, unknown[]]> = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === DIRECTIVE || k === RETAIN_KEYS) continue;
    if (k.startsWith(SET_ORDER)) {
      if (Array.isArray(v)) orders.push([k.slice(SET_ORDER.length), v]);
      continue;
    }
    if (k.startsWith(DELETE_FROM_PRIMITIVE)) {
      const field = k.slice(DELETE_FROM_PRIMITIVE.length);
      const cur = base[field];
      if (Array.isArray(cur) && Array.isArray(v)) {
        base[field] = cur.filter(x => !v.some(d => jsonEqual(d, x)));
      }
      continue;
    }
    if (v === null) {
      delete base[k];
    } else if (Array.isArray(v)) {
      base[k] = mergeList(
        k,
        Array.isArray(base[k]) ? (base[k] as unknown[]) : undefined,
        v,
        builtIn,
      );
    } else if (isPlainObject(v) && !isAtomicMap(k)) {
      const merged = strategicMerge(base[k], v, builtIn);
      if (merged === undefined) delete base[k];
      else base[k] = merged;
    } else {
      base[k] = cloneJson(v);
    }
  }
  for (const [field, order] of orders) {
    if (Array.isArray(base[field]))
      base[field] = orderBy(base[field] as unknown[], order, field, builtIn);
  }
  const retain = patch[RETAIN_KEYS];
  if (Array.isArray(retain)) {
    for (const k of Object.keys(base)) if (!retain.includes(k)) delete base[k];
  }
  return base;
}
