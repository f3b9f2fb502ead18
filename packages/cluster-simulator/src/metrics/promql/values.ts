/*
 * PromQL value types (promql/value.go): scalars, instant vectors, range
 * vectors, and the label-set helpers the engine uses on them.
 */

/** A label set; `__name__` is the metric name. @public */
export type LabelSet = Record<string, string>;

/** One element of an instant vector. @public */
export interface InstantSample {
  labels: LabelSet;
  value: number;
}

/** One series of a range vector. */
export interface RangeSeries {
  labels: LabelSet;
  points: Array<{ t: number; v: number }>;
}

/** The result of evaluating an expression. @public */
export type PromValue =
  | { kind: 'scalar'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'vector'; samples: InstantSample[] }
  | { kind: 'matrix'; series: RangeSeries[] };

/** An error Prometheus answers with `execution` as errorType. @public */
export class PromqlExecutionError extends Error {}

/** The label set without the metric name (dropped by functions and arithmetic). */
export function dropName(labels: LabelSet): LabelSet {
  if (!('__name__' in labels)) return labels;
  const { __name__: _n, ...rest } = labels;
  return rest;
}

/** A stable key of a label set (labels sorted by name). */
export function labelsKey(labels: LabelSet): string {
  return Object.keys(labels)
    .sort()
    .map(k => `${k}\u0000${labels[k]}`)
    .join('\u0001');
}

/** Prometheus's text form of a label set, for error messages. */
export function labelsText(labels: LabelSet): string {
  const name = labels.__name__ ?? '';
  const rest = Object.keys(labels)
    .filter(k => k !== '__name__')
    .sort()
    .map(k => `${k}="${labels[k]}"`)
    .join(', ');
  return `${name}{${rest}}`;
}
