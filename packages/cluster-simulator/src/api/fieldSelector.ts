/*
 * Field selectors (`spec.nodeName=x,status.phase!=Running`). Only the fields a
 * resource type declares selectable are accepted, as on the API server.
 */
import { ResourceType } from './resources';
import { badRequest } from './status';

/** One `field=value` or `field!=value` term. @public */
export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

/** What a field selector reads from a stored object. @public */
export interface FieldSource {
  readonly name: string;
  readonly namespace: string;
  readonly fields?: FieldValues;
}

/** A compiled field selector. @public */
export interface FieldSelector {
  requirements: FieldRequirement[];
  matches(obj: FieldSource): boolean;
  /** the metadata.name an equality term pins, if any (lets get-like watches skip scans) */
  pinnedName?: string;
}

/** The selectable field values of one object. @public */
export type FieldValues = Readonly<Record<string, string>>;

function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      cur += c + text[i + 1];
      i++;
    } else if (c === sep) {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  return parts;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

/** A selector matching everything. */
export const ALL_FIELDS: FieldSelector = {
  requirements: [],
  matches: () => true,
};

/**
 * Parses a field selector for a resource type. Throws a 400 `ApiError` for
 * syntax errors and for fields the type does not support.
 */
export function parseFieldSelector(
  text: string | undefined | null,
  r: ResourceType,
): FieldSelector {
  if (!text || !text.trim()) return ALL_FIELDS;
  const reqs: FieldRequirement[] = [];
  for (const term of splitUnescaped(text, ',')) {
    if (!term.trim()) continue;
    const m = /^\s*([^!=\s]+)\s*(!=|==|=)(.*)$/.exec(term);
    if (!m) {
      throw badRequest(
        `invalid selector: '${text}'; can't understand '${term}'`,
      );
    }
    const field = m[1];
    if (
      field !== 'metadata.name' &&
      field !== 'metadata.namespace' &&
      !r.selectableFields.includes(field)
    ) {
      throw badRequest(`field label not supported: ${field}`);
    }
    reqs.push({ field, value: unescape(m[3].trim()), negate: m[2] === '!=' });
  }
  const pinned = reqs.find(q => q.field === 'metadata.name' && !q.negate);
  return {
    requirements: reqs,
    pinnedName: pinned?.value,
    matches(obj) {
      for (const q of reqs) {
        let v: string;
        if (q.field === 'metadata.name') v = obj.name;
        else if (q.field === 'metadata.namespace') v = obj.namespace;
        else v = obj.fields?.[q.field] ?? '';
        if ((v === q.value) === q.negate) return false;
      }
      return true;
    },
  };
}

function readPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function asFieldString(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') {
    // events expose `source` as the component that reported them
    const component = (v as Record<string, unknown>).component;
    return typeof component === 'string' ? component : '';
  }
  return String(v);
}

/**
 * The selectable field values of an object, beyond name and namespace (those
 * are held by the store directly). Returns undefined when the type has none,
 * so that most stored objects carry no extra record.
 */
export function extractFields(
  r: ResourceType,
  obj: Record<string, unknown>,
): FieldValues | undefined {
  if (r.selectableFields.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const f of r.selectableFields) {
    const v = readPath(obj, f);
    // a missing boolean field selects as "false", as the API server does
    const text =
      v === undefined && f === 'spec.unschedulable'
        ? 'false'
        : asFieldString(v);
    // phases, node names and the like repeat across thousands of pods: share the strings
    out[f] =
      f === 'status.podIP' || f.startsWith('involvedObject.')
        ? text
        : internValue(text);
  }
  return out;
}

const values = new Map<string, string>();

function internValue(v: string): string {
  const hit = values.get(v);
  if (hit !== undefined) return hit;
  if (values.size < 100_000) values.set(v, v);
  return v;
}
