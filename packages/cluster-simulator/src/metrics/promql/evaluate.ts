/*
 * Instant-query evaluation of a PromQL expression at one time, as
 * promql/engine.go does it: selectors read stored samples (the latest within
 * the 5-minute lookback for instant vectors; those inside the window for
 * range vectors; staleness markers end a series), then functions,
 * aggregations and binary operators combine the results.
 */
import { Expr, LabelMatcher } from './ast';
import { aggregate } from './aggregate';
import {
  scalarBinop,
  setBinop,
  vectorBinop,
  vectorScalarBinop,
} from './binary';
import { bucketQuantile } from './histogramQuantile';
import { anchored, parsePromql } from './parse';
import { RANGE_FUNCTIONS, applyRangeFunction } from './rangeFunctions';
import {
  InstantSample,
  LabelSet,
  PromValue,
  PromqlExecutionError,
  RangeSeries,
  dropName,
  labelsKey,
} from './values';

/** A stored sample; `stale` marks Prometheus's staleness marker. @public */
export interface StoredPoint {
  t: number;
  v: number;
  stale?: boolean;
}

/** Where the evaluator reads series from (the simulated TSDB). @public */
export interface SeriesSource {
  /** Series whose labels match, with their points in [mint, maxt], in time order. */
  select(
    matchers: LabelMatcher[],
    mint: number,
    maxt: number,
  ): Array<{ labels: LabelSet; points: StoredPoint[] }>;
}

/** Prometheus's default --query.lookback-delta. */
export const LOOKBACK_DELTA_MS = 5 * 60_000;

/** True when a label set satisfies a matcher (a missing label is ""). */
export function matches(labels: LabelSet, m: LabelMatcher): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return anchored(m.value).test(v);
    default:
      return !anchored(m.value).test(v);
  }
}

const SIMPLE_MATH: Record<string, (v: number) => number> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  sqrt: Math.sqrt,
  exp: Math.exp,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sgn: Math.sign,
};

class Evaluator {
  constructor(
    private readonly source: SeriesSource,
    private readonly at: number,
  ) {}

  eval(e: Expr): PromValue {
    switch (e.type) {
      case 'number':
        return { kind: 'scalar', value: e.value };
      case 'string':
        return { kind: 'string', value: e.value };
      case 'vector':
        return {
          kind: 'vector',
          samples: this.instant(e.matchers, e.offsetMs),
        };
      case 'matrix':
        return {
          kind: 'matrix',
          series: this.range(
            e.selector.matchers,
            e.rangeMs,
            e.selector.offsetMs,
          ),
        };
      case 'unary': {
        const v = this.eval(e.expr);
        if (e.op === '+') return v;
        if (v.kind === 'scalar') return { kind: 'scalar', value: -v.value };
        return {
          kind: 'vector',
          samples: this.vector(v).map(s => ({
            labels: dropName(s.labels),
            value: -s.value,
          })),
        };
      }
      case 'aggregate': {
        const param = e.param ? this.scalar(this.eval(e.param)) : undefined;
        return {
          kind: 'vector',
          samples: aggregate(
            e.op,
            this.vector(this.eval(e.expr)),
            e.without,
            e.grouping,
            param,
          ),
        };
      }
      case 'binary':
        return this.binary(e);
      case 'call':
        return this.call(e.fn, e.args);
      default:
        throw new PromqlExecutionError('unsupported expression');
    }
  }

  private binary(e: Extract<Expr, { type: 'binary' }>): PromValue {
    const l = this.eval(e.lhs);
    const r = this.eval(e.rhs);
    if (e.op === 'and' || e.op === 'or' || e.op === 'unless') {
      if (l.kind !== 'vector' || r.kind !== 'vector')
        throw new PromqlExecutionError(
          `set operator "${e.op}" not allowed in binary scalar expression`,
        );
      return {
        kind: 'vector',
        samples: setBinop(e.op, l.samples, r.samples, e.matching),
      };
    }
    if (l.kind === 'scalar' && r.kind === 'scalar')
      return {
        kind: 'scalar',
        value: scalarBinop(e.op, l.value, r.value, e.bool),
      };
    if (l.kind === 'vector' && r.kind === 'scalar')
      return {
        kind: 'vector',
        samples: vectorScalarBinop(e.op, l.samples, r.value, false, e.bool),
      };
    if (l.kind === 'scalar' && r.kind === 'vector')
      return {
        kind: 'vector',
        samples: vectorScalarBinop(e.op, r.samples, l.value, true, e.bool),
      };
    if (l.kind === 'vector' && r.kind === 'vector')
      return {
        kind: 'vector',
        samples: vectorBinop(e.op, l.samples, r.samples, e.matching, e.bool),
      };
    throw new PromqlExecutionError(
      `binary expression must contain only scalar and instant vector types`,
    );
  }

  private call(fn: string, args: Expr[]): PromValue {
    if (RANGE_FUNCTIONS.has(fn)) {
      const arg = args[0];
      if (!arg || arg.type !== 'matrix')
        throw new PromqlExecutionError(
          `expected type range vector in call to function "${fn}", got instant vector`,
        );
      const end = this.at - arg.selector.offsetMs;
      const start = end - arg.rangeMs;
      const out: InstantSample[] = [];
      for (const s of this.range(
        arg.selector.matchers,
        arg.rangeMs,
        arg.selector.offsetMs,
      )) {
        const v = applyRangeFunction(fn, s, start, end);
        if (v !== undefined) out.push({ labels: dropName(s.labels), value: v });
      }
      return { kind: 'vector', samples: out };
    }
    const vals = args.map(a => this.eval(a));
    const mapVector = (f: (v: number) => number): PromValue => ({
      kind: 'vector',
      samples: this.vector(vals[0]).map(s => ({
        labels: dropName(s.labels),
        value: f(s.value),
      })),
    });
    if (SIMPLE_MATH[fn]) return mapVector(SIMPLE_MATH[fn]);
    switch (fn) {
      case 'clamp_min': {
        const min = this.scalar(vals[1]);
        return mapVector(v => Math.max(v, min));
      }
      case 'clamp_max': {
        const max = this.scalar(vals[1]);
        return mapVector(v => Math.min(v, max));
      }
      case 'clamp': {
        const min = this.scalar(vals[1]);
        const max = this.scalar(vals[2]);
        if (max < min) return { kind: 'vector', samples: [] };
        return mapVector(v => Math.max(min, Math.min(max, v)));
      }
      case 'round': {
        const to = vals[1] ? this.scalar(vals[1]) : 1;
        return mapVector(v => Math.floor(v / to + 0.5) * to);
      }
      case 'vector':
        return {
          kind: 'vector',
          samples: [{ labels: {}, value: this.scalar(vals[0]) }],
        };
      case 'scalar': {
        const v = this.vector(vals[0]);
        return { kind: 'scalar', value: v.length === 1 ? v[0].value : NaN };
      }
      case 'time':
        return { kind: 'scalar', value: this.at / 1000 };
      case 'absent': {
        if (this.vector(vals[0]).length > 0)
          return { kind: 'vector', samples: [] };
        const labels: LabelSet = {};
        const a = args[0];
        if (a.type === 'vector')
          for (const m of a.matchers)
            if (m.op === '=' && m.name !== '__name__') labels[m.name] = m.value;
        return { kind: 'vector', samples: [{ labels, value: 1 }] };
      }
      case 'sort':
      case 'sort_desc': {
        const v = [...this.vector(vals[0])];
        v.sort((a, b) =>
          fn === 'sort' ? a.value - b.value : b.value - a.value,
        );
        return { kind: 'vector', samples: v };
      }
      case 'histogram_quantile':
        return {
          kind: 'vector',
          samples: this.histogramQuantile(
            this.scalar(vals[0]),
            this.vector(vals[1]),
          ),
        };
      default:
        throw new PromqlExecutionError(`unknown function with name "${fn}"`);
    }
  }

  private histogramQuantile(
    q: number,
    samples: InstantSample[],
  ): InstantSample[] {
    const groups = new Map<
      string,
      {
        labels: LabelSet;
        buckets: Array<{ upperBound: number; count: number }>;
      }
    >();
    for (const s of samples) {
      const le = s.labels.le;
      if (le === undefined) continue;
      const { le: _le, ...rest } = dropName(s.labels);
      const key = labelsKey(rest);
      let g = groups.get(key);
      if (!g) {
        g = { labels: rest, buckets: [] };
        groups.set(key, g);
      }
      g.buckets.push({
        upperBound: le === '+Inf' ? Infinity : Number(le),
        count: s.value,
      });
    }
    return [...groups.values()].map(g => ({
      labels: g.labels,
      value: bucketQuantile(q, g.buckets),
    }));
  }

  private scalar(v: PromValue): number {
    if (v.kind === 'scalar') return v.value;
    throw new PromqlExecutionError(`expected scalar, got ${v.kind}`);
  }

  private vector(v: PromValue): InstantSample[] {
    if (v.kind === 'vector') return v.samples;
    throw new PromqlExecutionError(`expected instant vector, got ${v.kind}`);
  }

  private instant(matchers: LabelMatcher[], offsetMs: number): InstantSample[] {
    const t = this.at - offsetMs;
    const out: InstantSample[] = [];
    for (const s of this.source.select(
      matchers,
      t - LOOKBACK_DELTA_MS + 1,
      t,
    )) {
      const last = s.points[s.points.length - 1];
      if (!last || last.stale) continue;
      out.push({ labels: s.labels, value: last.v });
    }
    return out;
  }

  private range(
    matchers: LabelMatcher[],
    rangeMs: number,
    offsetMs: number,
  ): RangeSeries[] {
    const end = this.at - offsetMs;
    const out: RangeSeries[] = [];
    // Prometheus 3 range selectors are left-open: (end - range, end]
    for (const s of this.source.select(matchers, end - rangeMs + 1, end)) {
      const points = s.points
        .filter(p => !p.stale)
        .map(p => ({ t: p.t, v: p.v }));
      if (points.length > 0) out.push({ labels: s.labels, points });
    }
    return out;
  }
}

/** Evaluates a query (text or parsed) at a time (ms since the epoch). */
export function evaluateInstant(
  query: string | Expr,
  source: SeriesSource,
  at: number,
): PromValue {
  const expr = typeof query === 'string' ? parsePromql(query) : query;
  const result = new Evaluator(source, at).eval(expr);
  if (result.kind === 'vector' && hasDuplicates(result.samples))
    throw new PromqlExecutionError(
      'vector cannot contain metrics with the same labelset',
    );
  return result;
}

function hasDuplicates(samples: InstantSample[]): boolean {
  const seen = new Set<string>();
  for (const s of samples) {
    const k = labelsKey(s.labels);
    if (seen.has(k)) return true;
    seen.add(k);
  }
  return false;
}
