// Number formatting shared by the cards and the governance page. Fresh installs have cents of spend and fractions
// of GPU-hours, so small values keep two significant digits instead of rounding to zero.

/** `$1,234`, `$12.35`, `$0.50`, `$0.038`, `$0`. */
export function formatUsd(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  let text: string;
  if (abs === 0) text = '0';
  else if (abs >= 1000) text = round(abs, 0);
  else if (abs >= 0.1) text = round(abs, 2, 2);
  else text = significant(abs, 2);
  return `${value < 0 ? '-' : ''}$${text}`;
}

/** `38%`, `0.4%`, from a value already in percent. */
export function formatPercent(percent: number | undefined): string {
  if (percent === undefined || !Number.isFinite(percent)) return '–';
  if (percent !== 0 && Math.abs(percent) < 1)
    return `${significant(percent, 1)}%`;
  return `${round(percent, 0)}%`;
}

/** A 0..1 share as a percentage. */
export function formatShare(share: number | undefined): string {
  return share === undefined ? '–' : formatPercent(share * 100);
}

/** Counts and rates: `7,814`, `9.5`, `0.027`. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 100) return round(value, 0);
  if (abs >= 1) return round(value, 1);
  return significant(value, 2);
}

/** Durations given in seconds: `420 ms`, `9.75 s`. */
export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '–';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  return `${round(seconds, 2)} s`;
}

/** Time passed since an ISO timestamp, in the largest whole unit: `12 s ago`, `3 min ago`, `2 h ago`, `4 d ago`. */
export function formatAge(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

/** The name part of an entity ref: `group:default/ml-chat` → `ml-chat`. */
export function shortRef(ref: string | undefined): string {
  if (!ref) return '–';
  const slash = ref.lastIndexOf('/');
  return slash >= 0 ? ref.slice(slash + 1) : ref.replace(/^[a-z]+:/, '');
}

function round(value: number, max: number, min = 0): string {
  return value.toLocaleString('en-US', {
    maximumFractionDigits: max,
    minimumFractionDigits: min,
  });
}

function significant(value: number, digits: number): string {
  return value.toLocaleString('en-US', { maximumSignificantDigits: digits });
}
