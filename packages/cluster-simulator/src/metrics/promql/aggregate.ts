/*
 * Aggregation operators (promql/engine.go aggregation): samples are grouped
 * by the `by` labels (or all labels but the `without` ones and the metric
 * name), then reduced per group.
 */
import {
  InstantSample,
  LabelSet,
  PromqlExecutionError,
  labelsKey,
} from './values';

function groupLabels(
  labels: LabelSet,
  without: boolean,
  grouping: string[],
): LabelSet {
  const out: LabelSet = {};
  if (without) {
    const drop = new Set(['__name__', ...grouping]);
    for (const [k, v] of Object.entries(labels)) if (!drop.has(k)) out[k] = v;
  } else {
    for (const l of grouping) if (labels[l] !== undefined) out[l] = labels[l];
  }
  return out;
}

function quantile(q: number, values: number[]): number {
  // promql/quantile.go quantile: linear interpolation between closest ranks
  if (values.length === 0) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const lo = Math.max(0, Math.floor(rank));
  const hi = Math.min(sorted.length - 1, lo + 1);
  const w = rank - Math.floor(rank);
  return sorted[lo] * (1 - w) + sorted[hi] * w;
}

function reduce(
  op: string,
  values: number[],
  param: number | undefined,
): number {
  switch (op) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'max':
      return values.reduce((a, b) => (Number.isNaN(a) || b > a ? b : a));
    case 'min':
      return values.reduce((a, b) => (Number.isNaN(a) || b < a ? b : a));
    case 'count':
      return values.length;
    case 'group':
      return 1;
    case 'stddev':
    case 'stdvar': {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const v = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      return op === 'stddev' ? Math.sqrt(v) : v;
    }
    case 'quantile':
      return quantile(param ?? NaN, values);
    default:
      throw new PromqlExecutionError(`unsupported aggregation "${op}"`);
  }
}

/** Applies an aggregation operator to an instant vector. */
export function aggregate(
  op: string,
  samples: InstantSample[],
  without: boolean,
  grouping: string[],
  param: number | undefined,
): InstantSample[] {
  const groups = new Map<
    string,
    { labels: LabelSet; members: InstantSample[] }
  >();
  for (const s of samples) {
    const labels = groupLabels(s.labels, without, grouping);
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (!g) {
      g = { labels, members: [] };
      groups.set(key, g);
    }
    g.members.push(s);
  }
  const out: InstantSample[] = [];
  for (const g of groups.values()) {
    if (op === 'topk' || op === 'bottomk') {
      // topk/bottomk keep the original series (and their labels)
      const k = Math.floor(param ?? 0);
      const sorted = [...g.members].sort((a, b) =>
        op === 'topk' ? b.value - a.value : a.value - b.value,
      );
      out.push(...sorted.slice(0, Math.max(0, k)));
      continue;
    }
    out.push({
      labels: g.labels,
      value: reduce(
        op,
        g.members.map(m => m.value),
        param,
      ),
    });
  }
  return out;
}
