/*
 * Resource quantities written as JSON numbers, normalised as the API server
 * does. k8s.io/apimachinery/pkg/api/resource.Quantity's UnmarshalJSON accepts
 * a bare number as if it were the string of its digits, and MarshalJSON always
 * writes the canonical string (String() -> CanonicalizeBytes): so a Deployment
 * applied with `limits: {nvidia.com/gpu: 1}` reads back as `"1"`, `cpu: 0.5`
 * as `"500m"` and `1000` as `"1k"`. Custom resources are stored as sent (their
 * schemas declare quantities int-or-string), so only built-in kinds change.
 */
import { KubeObject } from '../store/storedObject';
import { isPlainObject } from './listSemantics';
import { ResourceType } from './resources';

type Obj = Record<string, any>;

/** Fields of built-in kinds that hold a ResourceList (resource name -> Quantity). */
const RESOURCE_LISTS = new Set([
  'requests',
  'limits',
  'hard',
  'used',
  'capacity',
  'allocatable',
  'overhead',
  // LimitRange items
  'max',
  'min',
  'default',
  'defaultRequest',
  'maxLimitRequestRatio',
]);

/** Exponents with an SI suffix (DecimalSI format). */
const SI_SUFFIX: Record<number, string> = {
  [-9]: 'n',
  [-6]: 'u',
  [-3]: 'm',
  0: '',
  3: 'k',
  6: 'M',
  9: 'G',
  12: 'T',
  15: 'P',
  18: 'E',
};

/**
 * The canonical string of a Quantity parsed from a JSON number (DecimalSI):
 * the value is rounded up to nano units as ParseQuantity does, then written as
 * an integer mantissa with the largest exponent that is a multiple of three.
 */
export function canonicalQuantity(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const negative = value < 0;
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(
    String(Math.abs(value)),
  );
  if (!match) return String(value);
  let digits = `${match[1]}${match[2] ?? ''}`.replace(/^0+/, '') || '0';
  let exponent = Number(match[3] ?? 0) - (match[2]?.length ?? 0);
  if (exponent < -9) {
    // precision below nano is rounded up (away from zero), as ParseQuantity does
    const keep = digits.length - (-9 - exponent);
    const kept = keep > 0 ? digits.slice(0, keep) : '0';
    const dropped = keep > 0 ? digits.slice(keep) : digits;
    digits = /[1-9]/.test(dropped) ? increment(kept) : kept;
    exponent = -9;
  }
  // strip factors of ten into the exponent, then lower it to a multiple of three
  while (digits.length > 1 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exponent += 1;
  }
  const remainder = ((exponent % 3) + 3) % 3;
  digits = digits + '0'.repeat(remainder);
  exponent -= remainder;
  const suffix = SI_SUFFIX[exponent] ?? `e${exponent}`;
  return `${negative ? '-' : ''}${digits}${suffix}`;
}

/** Adds one to a string of decimal digits. */
function increment(digits: string): string {
  const out = digits.split('');
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== '9') {
      out[i] = String(Number(out[i]) + 1);
      return out.join('');
    }
    out[i] = '0';
  }
  return `1${out.join('')}`;
}

function normaliseList(list: Obj): void {
  for (const [name, quantity] of Object.entries(list)) {
    if (typeof quantity === 'number') list[name] = canonicalQuantity(quantity);
  }
}

function walk(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, child] of Object.entries(value as Obj)) {
    if (RESOURCE_LISTS.has(key) && isPlainObject(child)) {
      normaliseList(child as Obj);
    }
    walk(child);
  }
}

/** HorizontalPodAutoscaler metric targets (`value`, `averageValue`) are quantities too. */
function normaliseMetricTargets(spec: Obj | undefined): void {
  for (const metric of Array.isArray(spec?.metrics) ? spec!.metrics : []) {
    if (!isPlainObject(metric)) continue;
    for (const source of Object.values(metric as Obj)) {
      const target = isPlainObject(source) ? (source as Obj).target : undefined;
      if (!isPlainObject(target)) continue;
      for (const key of ['value', 'averageValue']) {
        if (typeof target[key] === 'number')
          target[key] = canonicalQuantity(target[key]);
      }
    }
  }
}

/**
 * Turns every Quantity written as a JSON number in a built-in object into its
 * canonical string, in place. Custom resources are left as they are.
 */
export function normaliseQuantities(r: ResourceType, obj: KubeObject): void {
  if (r.custom) return;
  walk(obj);
  if (r.kind === 'HorizontalPodAutoscaler')
    normaliseMetricTargets((obj as Obj).spec);
}
