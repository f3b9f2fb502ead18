/*
 * Prometheus text exposition (format 0.0.4): HELP/TYPE headers, label
 * escaping, and histograms whose buckets come from a mixture of two
 * log-normal latency distributions (normal and overloaded), so cumulative
 * bucket counts stay monotonic as counts grow.
 */

/** Labels of one sample. @public */
export type Labels = Record<string, string>;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${escapeLabel(v)}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return Number.isInteger(v) ? `${v}.0` : String(Math.round(v * 1e6) / 1e6);
}

/** Accumulates an exposition document. */
export class Exposition {
  // samples are grouped per family, as the text format requires
  private readonly groups = new Map<string, string[]>();
  private current: string[] = [];

  /** Declares a metric family once (HELP and TYPE) and makes it current for `sample`. */
  family(
    name: string,
    type: 'counter' | 'gauge' | 'histogram' | 'summary',
    help: string,
  ): this {
    let group = this.groups.get(name);
    if (!group) {
      group = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
      this.groups.set(name, group);
    }
    this.current = group;
    return this;
  }

  /** Adds a sample to the current family. */
  sample(name: string, labels: Labels, value: number): this {
    this.current.push(`${name}${labelText(labels)} ${num(value)}`);
    return this;
  }

  /** A gauge family with one sample. */
  gauge(name: string, help: string, labels: Labels, value: number): this {
    return this.family(name, 'gauge', help).sample(name, labels, value);
  }

  /** A counter family with one sample; `name` is the family name without `_total`. */
  counter(
    name: string,
    help: string,
    labels: Labels,
    value: number,
    withTotalSuffix = true,
  ): this {
    this.family(name, 'counter', help);
    return this.sample(withTotalSuffix ? `${name}_total` : name, labels, value);
  }

  /** A histogram from two mixture weights and their bucket CDFs. */
  histogram(
    name: string,
    help: string,
    labels: Labels,
    shape: HistogramShape,
    nNormal: number,
    nOverload: number,
    sum: number,
  ): this {
    this.family(name, 'histogram', help);
    for (let i = 0; i < shape.bounds.length; i++) {
      const c = Math.floor(
        nNormal * shape.normal[i] + nOverload * shape.overload[i],
      );
      this.sample(`${name}_bucket`, { ...labels, le: num(shape.bounds[i]) }, c);
    }
    const count = Math.floor(nNormal + nOverload);
    this.sample(`${name}_bucket`, { ...labels, le: '+Inf' }, count);
    this.sample(`${name}_sum`, labels, sum);
    this.sample(`${name}_count`, labels, count);
    return this;
  }

  toString(): string {
    const out: string[] = [];
    for (const g of this.groups.values()) out.push(...g);
    return `${out.join('\n')}\n`;
  }
}

/** Bucket bounds with the cumulative probability of each under both distributions. @public */
export interface HistogramShape {
  bounds: number[];
  normal: number[];
  overload: number[];
}

function erf(x: number): number {
  // Abramowitz and Stegun 7.1.26
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) *
      t +
      0.254829592) *
      t *
      Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/** CDF of a log-normal with a given median and shape sigma. */
export function logNormalCdf(x: number, median: number, sigma: number): number {
  if (x <= 0) return 0;
  return 0.5 * (1 + erf(Math.log(x / median) / (sigma * Math.SQRT2)));
}

/** A histogram shape for normal and overloaded medians. */
export function shapeFor(
  bounds: number[],
  normalMedian: number,
  overloadMedian: number,
  sigma = 0.55,
): HistogramShape {
  return {
    bounds,
    normal: bounds.map(b => logNormalCdf(b, normalMedian, sigma)),
    overload: bounds.map(b => logNormalCdf(b, overloadMedian, sigma * 1.2)),
  };
}
