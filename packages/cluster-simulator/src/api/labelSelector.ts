/*
 * Label selectors in both of their Kubernetes forms: the query-string syntax
 * (`app=x,tier!=db,env in (a,b),!legacy`) and the structured `LabelSelector`
 * object of Deployments, Services and PodDisruptionBudgets.
 */
import { badRequest } from './status';

/** Operator of one selector requirement. @public */
export type SelectorOperator =
  | 'In'
  | 'NotIn'
  | 'Exists'
  | 'DoesNotExist'
  | 'Gt'
  | 'Lt';

/** One requirement of a selector. @public */
export interface Requirement {
  key: string;
  operator: SelectorOperator;
  values: string[];
}

/** The structured selector of `spec.selector`. @public */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
}

/** A compiled selector; an empty requirement list matches everything. @public */
export interface LabelSelector {
  requirements: Requirement[];
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** the selector in query-string form */
  toString(): string;
}

function requirementMatches(
  r: Requirement,
  labels: Readonly<Record<string, string>>,
): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(value!);
    case 'NotIn':
      return !has || !r.values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has) return false;
      const n = Number(value);
      const limit = Number(r.values[0]);
      if (!Number.isFinite(n) || !Number.isFinite(limit)) return false;
      return r.operator === 'Gt' ? n > limit : n < limit;
    }
    default:
      return false;
  }
}

function requirementToString(r: Requirement): string {
  switch (r.operator) {
    case 'In':
      return r.values.length === 1
        ? `${r.key}=${r.values[0]}`
        : `${r.key} in (${r.values.join(',')})`;
    case 'NotIn':
      return r.values.length === 1
        ? `${r.key}!=${r.values[0]}`
        : `${r.key} notin (${r.values.join(',')})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    case 'Gt':
      return `${r.key}>${r.values[0]}`;
    case 'Lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return '';
  }
}

/** Compiles a list of requirements into a selector. */
export function selectorFromRequirements(
  requirements: Requirement[],
): LabelSelector {
  const sorted = [...requirements];
  return {
    requirements: sorted,
    matches(labels) {
      const l = labels ?? {};
      for (const r of sorted) {
        if (!requirementMatches(r, l)) return false;
      }
      return true;
    },
    toString() {
      return sorted.map(requirementToString).join(',');
    },
  };
}

/** A selector that matches every object. */
export const EVERYTHING: LabelSelector = selectorFromRequirements([]);

/** A selector that matches no object (a nil structured selector). */
export const NOTHING: LabelSelector = {
  requirements: [],
  matches: () => false,
  toString: () => '<none>',
};

const KEY_CHARS = /[A-Za-z0-9._\-/]/;

class Lexer {
  pos = 0;
  constructor(readonly text: string) {}

  skipSpace() {
    while (this.pos < this.text.length && this.text[this.pos] === ' ') {
      this.pos++;
    }
  }

  peek(s: string): boolean {
    this.skipSpace();
    return this.text.startsWith(s, this.pos);
  }

  eat(s: string): boolean {
    if (this.peek(s)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }

  word(): string {
    this.skipSpace();
    const start = this.pos;
    while (this.pos < this.text.length && KEY_CHARS.test(this.text[this.pos])) {
      this.pos++;
    }
    return this.text.slice(start, this.pos);
  }

  done(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }
}

function parseError(text: string, detail: string): never {
  throw badRequest(`unable to parse requirement: ${detail} in "${text}"`);
}

function parseValueSet(lx: Lexer): string[] {
  if (!lx.eat('(')) parseError(lx.text, "found '', expected: '('");
  const values: string[] = [];
  for (;;) {
    values.push(lx.word());
    if (lx.eat(')')) break;
    if (!lx.eat(',')) parseError(lx.text, "found '', expected: ',' or ')'");
  }
  return values;
}

/**
 * Parses the query-string form. Throws a 400 `ApiError` on syntax errors, as
 * the API server rejects such requests.
 */
export function parseLabelSelector(
  text: string | undefined | null,
): LabelSelector {
  if (!text || !text.trim()) return EVERYTHING;
  const lx = new Lexer(text);
  const reqs: Requirement[] = [];
  for (;;) {
    if (lx.eat('!')) {
      const key = lx.word();
      if (!key) parseError(text, "found '', expected: identifier");
      reqs.push({ key, operator: 'DoesNotExist', values: [] });
    } else {
      const key = lx.word();
      if (!key) parseError(text, "found '', expected: identifier");
      if (lx.eat('==') || lx.eat('=')) {
        reqs.push({ key, operator: 'In', values: [lx.word()] });
      } else if (lx.eat('!=')) {
        reqs.push({ key, operator: 'NotIn', values: [lx.word()] });
      } else if (lx.eat('>')) {
        reqs.push({ key, operator: 'Gt', values: [lx.word()] });
      } else if (lx.eat('<')) {
        reqs.push({ key, operator: 'Lt', values: [lx.word()] });
      } else if (lx.peek('notin ') || lx.peek('notin(')) {
        lx.eat('notin');
        reqs.push({ key, operator: 'NotIn', values: parseValueSet(lx) });
      } else if (lx.peek('in ') || lx.peek('in(')) {
        lx.eat('in');
        reqs.push({ key, operator: 'In', values: parseValueSet(lx) });
      } else {
        reqs.push({ key, operator: 'Exists', values: [] });
      }
    }
    if (lx.done()) break;
    if (!lx.eat(','))
      parseError(text, `found '${text.slice(lx.pos)}', expected: ','`);
  }
  return selectorFromRequirements(reqs);
}

/**
 * Compiles a structured selector. `undefined` matches nothing, like a nil
 * selector in the API; `{}` matches everything.
 */
export function compileLabelSelector(
  selector: LabelSelectorObject | undefined | null,
): LabelSelector {
  if (!selector) return NOTHING;
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    reqs.push({ key, operator: 'In', values: [value] });
  }
  for (const e of selector.matchExpressions ?? []) {
    reqs.push({
      key: e.key,
      operator: e.operator as SelectorOperator,
      values: e.values ?? [],
    });
  }
  return selectorFromRequirements(reqs);
}

/** Compiles the map selector of a Service (`spec.selector`). */
export function compileMapSelector(
  map: Record<string, string> | undefined | null,
): LabelSelector {
  if (!map || Object.keys(map).length === 0) return NOTHING;
  return compileLabelSelector({ matchLabels: map });
}

/** The query-string form of a structured selector (the scale subresource's `status.selector`). */
export function labelSelectorToString(
  selector: LabelSelectorObject | undefined | null,
): string {
  return compileLabelSelector(selector).toString();
}
