/*
 * Reads the Prometheus text exposition format (0.0.4), as the scraper's
 * textparse package does: one sample per line, `# ` lines are comments.
 * https://prometheus.io/docs/instrumenting/exposition_formats/
 */
import { LabelSet } from './values';

/** One scraped sample. */
export interface ScrapedSample {
  labels: LabelSet;
  value: number;
}

function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  return Number(text);
}

function unescape(v: string): string {
  return v.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

/** Samples of an exposition document; malformed lines are skipped. */
export function parseTextFormat(text: string): ScrapedSample[] {
  const out: ScrapedSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
    if (!name) continue;
    const labels: LabelSet = { __name__: name };
    let rest = line.slice(name.length);
    if (rest.startsWith('{')) {
      const close = findClose(rest, 0);
      if (close < 0) continue;
      const body = rest.slice(1, close);
      const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/g;
      for (const m of body.matchAll(re)) labels[m[1]] = unescape(m[2]);
      rest = rest.slice(close + 1);
    }
    rest = rest.trim();
    const [valueText] = rest.split(/\s+/);
    const value = parseValue(valueText);
    if (valueText === undefined || (Number.isNaN(value) && valueText !== 'NaN'))
      continue;
    out.push({ labels, value });
  }
  return out;
}

function findClose(line: string, from: number): number {
  let inString = false;
  for (let i = from + 1; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '}') return i;
  }
  return -1;
}
