/*
 * What every benchmark reports: rows of one table (measure, result, target, verdict), printed by bench/run.mjs.
 * A benchmark prints one line `BENCH_RESULT <json>` on stdout, so its own progress output can stay readable.
 */

/** One line of the results table. */
export interface BenchRow {
  bench: string;
  measure: string;
  result: string;
  /** The target of the issue, in words (e.g. "≤ 10 ms"), when there is one. */
  target?: string;
  /** Whether the target was met; absent when there is no target. */
  met?: boolean;
  /** By how much a target was missed, or context a reader needs. */
  note?: string;
}

/** What a benchmark hands to the runner. */
export interface BenchResult {
  bench: string;
  rows: BenchRow[];
  /** Raw figures, kept in the JSON results file. */
  details?: Record<string, unknown>;
  /** Caveats printed under the table. */
  notes?: string[];
}

/** Prints the result line the runner reads. */
export function emit(result: BenchResult): void {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

/** A progress line, on stderr so it never mixes with the result. */
export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

/** Percentile (nearest rank) of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Milliseconds with a precision that suits their size. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value < 10) return `${value.toFixed(2)} ms`;
  if (value < 100) return `${value.toFixed(1)} ms`;
  return `${Math.round(value).toLocaleString('en-US')} ms`;
}

/** An integer with thousands separators. */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Bytes as MiB. */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The verdict of an upper bound (`value` must stay at or below `limit`). */
export function atMost(
  value: number,
  limit: number,
  unit: (v: number) => string,
): Pick<BenchRow, 'target' | 'met' | 'note'> {
  const met = value <= limit;
  return {
    target: `≤ ${unit(limit)}`,
    met,
    note: met
      ? undefined
      : `missed by ${unit(value - limit)} (${(
          (value / limit - 1) *
          100
        ).toFixed(0)}% over)`,
  };
}

/** The verdict of a lower bound (`value` must reach `floor`). */
export function atLeast(
  value: number,
  floor: number,
  unit: (v: number) => string,
): Pick<BenchRow, 'target' | 'met' | 'note'> {
  const met = value >= floor;
  return {
    target: `≥ ${unit(floor)}`,
    met,
    note: met
      ? undefined
      : `missed by ${unit(floor - value)} (${(
          (1 - value / floor) *
          100
        ).toFixed(0)}% short)`,
  };
}

/** Reads `--name value` from the command line. */
export function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
