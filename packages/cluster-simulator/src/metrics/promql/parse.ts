/*
 * PromQL text to the simulator's expression tree. The grammar is Prometheus's
 * own (the maintained @prometheus-io/lezer-promql package, the parser of the
 * Prometheus web UI); this file only maps its syntax tree onto `Expr`, as
 * promql/parser/generated_parser.y builds ast.go nodes.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { Expr, LabelMatcher, VectorMatching, VectorSelectorNode } from './ast';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** A query Prometheus would reject with `bad_data`. @public */
export class PromqlParseError extends Error {}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** Milliseconds of a PromQL duration (`1h30m`, `90s`, or plain seconds). */
export function parseDuration(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  let ms = 0;
  let rest = text;
  while (rest.length > 0) {
    const m = /^(\d+)(ms|s|m|h|d|w|y)/.exec(rest);
    if (!m) throw new PromqlParseError(`bad duration "${text}"`);
    ms += Number(m[1]) * DURATION_UNITS[m[2]];
    rest = rest.slice(m[0].length);
  }
  return ms;
}

/** A number literal as Go's strconv.ParseFloat reads it (Inf, NaN, hex). */
function parseNumber(text: string): number {
  const t = text.toLowerCase();
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  if (t === 'nan') return NaN;
  if (/^0x[0-9a-f]+$/.test(t)) return parseInt(t, 16);
  if (/^[0-9]/.test(t) && /[smhdwy]$/.test(t)) return parseDuration(t) / 1000;
  const n = Number(text);
  if (Number.isNaN(n)) throw new PromqlParseError(`bad number "${text}"`);
  return n;
}

/** The value of a PromQL string literal (double, single or back quotes). */
function parseString(text: string): string {
  const quote = text[0];
  const body = text.slice(1, -1);
  if (quote === '`') return body;
  return body.replace(/\\(.)/g, (_m, c: string) => {
    switch (c) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      default:
        return c;
    }
  });
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

const EXPR_NODES = new Set([
  'AggregateExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'OffsetExpr',
  'ParenExpr',
  'StringLiteral',
  'SubqueryExpr',
  'UnaryExpr',
  'VectorSelector',
  'StepInvariantExpr',
]);

const BINARY_OPS = new Set([
  'Pow',
  'Mul',
  'Div',
  'Mod',
  'Add',
  'Sub',
  'Eql',
  'Neq',
  'Gtr',
  'Lss',
  'Gte',
  'Lte',
  'And',
  'Or',
  'Unless',
  'Atan2',
]);

class Builder {
  constructor(private readonly src: string) {}

  text(n: SyntaxNode): string {
    return this.src.slice(n.from, n.to);
  }

  fail(n: SyntaxNode, what: string): never {
    throw new PromqlParseError(
      `1:${n.from + 1}: parse error: ${what} "${this.text(n)}"`,
    );
  }

  exprChildren(n: SyntaxNode): SyntaxNode[] {
    return children(n).filter(c => EXPR_NODES.has(c.name));
  }

  expr(n: SyntaxNode): Expr {
    switch (n.name) {
      case 'PromQL': {
        const [e] = this.exprChildren(n);
        if (!e) throw new PromqlParseError('1:1: parse error: no expression');
        return this.expr(e);
      }
      case 'ParenExpr':
        return this.expr(this.exprChildren(n)[0]);
      case 'NumberDurationLiteral':
        return { type: 'number', value: parseNumber(this.text(n)) };
      case 'StringLiteral':
        return { type: 'string', value: parseString(this.text(n)) };
      case 'VectorSelector':
        return this.vectorSelector(n);
      case 'MatrixSelector': {
        const [sel] = this.exprChildren(n);
        const dur = children(n).find(c => c.name === 'DurationExpr');
        const selector = sel ? this.expr(sel) : undefined;
        if (!selector || selector.type !== 'vector' || !dur)
          return this.fail(n, 'ranges only allowed for vector selectors');
        return {
          type: 'matrix',
          selector,
          rangeMs: parseDuration(this.text(dur)),
        };
      }
      case 'OffsetExpr':
        return this.offset(n);
      case 'UnaryExpr': {
        const op = this.text(children(n).find(c => c.name === 'UnaryOp')!);
        return {
          type: 'unary',
          op: op === '-' ? '-' : '+',
          expr: this.expr(this.exprChildren(n)[0]),
        };
      }
      case 'FunctionCall': {
        const id = children(n).find(c => c.name === 'FunctionIdentifier')!;
        const body = children(n).find(c => c.name === 'FunctionCallBody')!;
        return {
          type: 'call',
          fn: this.text(id),
          args: this.exprChildren(body).map(a => this.expr(a)),
        };
      }
      case 'AggregateExpr':
        return this.aggregate(n);
      case 'BinaryExpr':
        return this.binary(n);
      default:
        return this.fail(n, 'unsupported expression');
    }
  }

  offset(n: SyntaxNode): Expr {
    const [inner] = this.exprChildren(n);
    const durNode = children(n).find(c => c.name === 'OffsetDurationExpr')!;
    const durText = this.text(durNode).replace(/\s+/g, '');
    const offsetMs = durText.startsWith('-')
      ? -parseDuration(durText.slice(1))
      : parseDuration(durText);
    const e = this.expr(inner);
    if (e.type === 'vector') return { ...e, offsetMs };
    if (e.type === 'matrix')
      return { ...e, selector: { ...e.selector, offsetMs } };
    return this.fail(n, 'offset modifier must be preceded by a selector');
  }

  vectorSelector(n: SyntaxNode): VectorSelectorNode {
    const matchers: LabelMatcher[] = [];
    const id = children(n).find(c => c.name === 'Identifier');
    if (id) matchers.push({ name: '__name__', op: '=', value: this.text(id) });
    const list = children(n).find(c => c.name === 'LabelMatchers');
    for (const m of list ? children(list) : []) {
      if (m.name === 'QuotedLabelName') {
        const s = children(m).find(c => c.name === 'StringLiteral')!;
        matchers.push({
          name: '__name__',
          op: '=',
          value: parseString(this.text(s)),
        });
        continue;
      }
      if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher')
        this.fail(m, 'unexpected label matcher');
      const nameNode = children(m).find(
        c => c.name === 'LabelName' || c.name === 'QuotedLabelName',
      )!;
      const op = this.text(children(m).find(c => c.name === 'MatchOp')!);
      const value = parseString(
        this.text(children(m).find(c => c.name === 'StringLiteral')!),
      );
      const name =
        nameNode.name === 'QuotedLabelName'
          ? parseString(this.text(nameNode))
          : this.text(nameNode);
      matchers.push({ name, op: op as LabelMatcher['op'], value });
    }
    // promql/parser: a selector must have at least one matcher that does not match the empty string
    if (!matchers.some(m => !matchesEmpty(m)))
      this.fail(
        n,
        'vector selector must contain at least one non-empty matcher',
      );
    return { type: 'vector', matchers, offsetMs: 0 };
  }

  aggregate(n: SyntaxNode): Expr {
    const op = this.text(children(n).find(c => c.name === 'AggregateOp')!);
    const modifier = children(n).find(c => c.name === 'AggregateModifier');
    const body = children(n).find(c => c.name === 'FunctionCallBody')!;
    const args = this.exprChildren(body).map(a => this.expr(a));
    const without = modifier
      ? children(modifier).some(c => c.name === 'Without')
      : false;
    const grouping = modifier ? this.groupingLabels(modifier) : [];
    const expr = args[args.length - 1];
    if (!expr) return this.fail(n, 'aggregation needs an expression');
    return {
      type: 'aggregate',
      op,
      without,
      grouping,
      param: args.length > 1 ? args[0] : undefined,
      expr,
    };
  }

  groupingLabels(n: SyntaxNode, index = 0): string[] {
    const g = children(n).filter(c => c.name === 'GroupingLabels')[index];
    if (!g) return [];
    return children(g)
      .filter(c => c.name === 'LabelName' || c.name === 'QuotedLabelName')
      .map(c =>
        c.name === 'QuotedLabelName' ? parseString(this.text(c)) : this.text(c),
      );
  }

  binary(n: SyntaxNode): Expr {
    const kids = children(n);
    const [lhs, rhs] = this.exprChildren(n);
    const opNode = kids.find(c => BINARY_OPS.has(c.name));
    if (!opNode || !lhs || !rhs) return this.fail(n, 'bad binary expression');
    const clause = kids.find(c => c.name === 'MatchingModifierClause');
    let matching: VectorMatching | undefined;
    if (clause) {
      const ck = children(clause);
      const left = ck.some(c => c.name === 'GroupLeft');
      const right = ck.some(c => c.name === 'GroupRight');
      matching = {
        on: ck.some(c => c.name === 'On'),
        labels: this.groupingLabels(clause, 0),
        card: cardinality(left, right),
        include: left || right ? this.groupingLabels(clause, 1) : [],
      };
    }
    return {
      type: 'binary',
      op: this.text(opNode).toLowerCase(),
      lhs: this.expr(lhs),
      rhs: this.expr(rhs),
      bool: kids.some(c => c.name === 'BoolModifier'),
      matching,
    };
  }
}

function cardinality(left: boolean, right: boolean): VectorMatching['card'] {
  if (left) return 'many-to-one';
  return right ? 'one-to-many' : 'one-to-one';
}

/** True when a matcher accepts the empty string (a missing label). */
export function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.op) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return anchored(m.value).test('');
    default:
      return !anchored(m.value).test('');
  }
}

const regexCache = new Map<string, RegExp>();

/** A PromQL regex, fully anchored as Prometheus anchors label regexes. */
export function anchored(re: string): RegExp {
  let r = regexCache.get(re);
  if (!r) {
    r = new RegExp(`^(?:${re})$`, 's');
    regexCache.set(re, r);
  }
  return r;
}

/** Parses a PromQL query; throws PromqlParseError on a syntax error. */
export function parsePromql(query: string): Expr {
  const tree = parser.parse(query);
  tree.iterate({
    enter: n => {
      if (n.type.isError)
        throw new PromqlParseError(
          `1:${n.from + 1}: parse error: unexpected input near "${query.slice(
            Math.max(0, n.from - 10),
            n.to + 10,
          )}"`,
        );
    },
  });
  return new Builder(query).expr(tree.topNode);
}
