/*
 * Seeded randomness, so a scenario produces the same pod names, IPs and
 * jitter on every run and test failures reproduce.
 */

/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no 0/1/3). */
export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A small deterministic PRNG (mulberry32). @public */
export class Rng {
  private state: number;

  constructor(seed: number | string) {
    this.state = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform float in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** A random element. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** A generated-name suffix like the one ReplicaSets give pods (`7xk2q`). */
  suffix(length = 5): string {
    let s = '';
    for (let i = 0; i < length; i++)
      s += SAFE_ALPHABET[Math.floor(this.next() * SAFE_ALPHABET.length)];
    return s;
  }

  /** Lower-case hex digits. */
  hex(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++)
      s += Math.floor(this.next() * 16).toString(16);
    return s;
  }

  /** An RFC 4122 version 4 UUID. */
  uuid(): string {
    const h = this.hex(32).split('');
    h[12] = '4';
    h[16] = '89ab'[Math.floor(this.next() * 4)];
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(
      16,
      20,
    )}-${s.slice(20)}`;
  }
}

/** 32-bit FNV-1a of a string. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The `pod-template-hash` of a template: a hash of its content rendered with
 * the safe alphabet, so equal templates give equal hashes across runs.
 */
export function templateHash(template: unknown): string {
  const digits = String(hashString(JSON.stringify(template ?? {})));
  let out = '';
  for (const c of digits)
    out += SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length];
  return out;
}

/** A deterministic value in [0, 1) for a name: per-pod jitter without stored state. */
export function unitHash(text: string): number {
  return hashString(text) / 4294967296;
}
