/*
 * Binary operators between scalars and instant vectors, as promql/engine.go
 * evaluates them: arithmetic, comparisons (filtering, or 0/1 with `bool`),
 * set operators, and vector matching by label signature (`on`, `ignoring`,
 * `group_left`, `group_right`) with its many-to-many errors.
 */
import { VectorMatching } from './ast';
import {
  InstantSample,
  LabelSet,
  PromqlExecutionError,
  dropName,
  labelsKey,
  labelsText,
} from './values';

const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);

/** True for `==`, `!=`, `>`, `<`, `>=`, `<=`. */
export function isComparison(op: string): boolean {
  return COMPARISONS.has(op);
}

/** promql/engine.go vectorElemBinop: the operator on two floats. */
export function applyOp(op: string, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      return a ** b;
    case 'atan2':
      return Math.atan2(a, b);
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    default:
      throw new PromqlExecutionError(`operator "${op}" not allowed here`);
  }
}

/** Scalar op scalar; comparisons need `bool` there (the parser's rule). */
export function scalarBinop(
  op: string,
  a: number,
  b: number,
  bool: boolean,
): number {
  if (isComparison(op) && !bool)
    throw new PromqlExecutionError(
      'comparisons between scalars must use BOOL modifier',
    );
  return applyOp(op, a, b);
}

/** Vector op scalar (or scalar op vector when `scalarLeft`). */
export function vectorScalarBinop(
  op: string,
  vector: InstantSample[],
  scalar: number,
  scalarLeft: boolean,
  bool: boolean,
): InstantSample[] {
  const out: InstantSample[] = [];
  for (const s of vector) {
    const [l, r] = scalarLeft ? [scalar, s.value] : [s.value, scalar];
    const v = applyOp(op, l, r);
    if (isComparison(op)) {
      if (bool) out.push({ labels: dropName(s.labels), value: v });
      // a filtering comparison keeps the vector element's own value
      else if (v === 1) out.push({ labels: s.labels, value: s.value });
    } else out.push({ labels: dropName(s.labels), value: v });
  }
  return out;
}

/** The labels a sample is matched on (`on` labels, or all but `ignoring` ones and the name). */
function matchLabels(
  labels: LabelSet,
  m: VectorMatching | undefined,
): LabelSet {
  if (m?.on) {
    const picked: LabelSet = {};
    for (const l of m.labels) if (l in labels) picked[l] = labels[l];
    return picked;
  }
  const ignored = new Set(['__name__', ...(m?.labels ?? [])]);
  const rest: LabelSet = {};
  for (const [k, v] of Object.entries(labels)) if (!ignored.has(k)) rest[k] = v;
  return rest;
}

/** The matching signature of a sample. */
function signature(labels: LabelSet, m: VectorMatching | undefined): string {
  return labelsKey(matchLabels(labels, m));
}

/** `and`, `or`, `unless` (engine.go VectorAnd / VectorOr / VectorUnless). */
export function setBinop(
  op: string,
  lhs: InstantSample[],
  rhs: InstantSample[],
  m: VectorMatching | undefined,
): InstantSample[] {
  const rhsSigs = new Set(rhs.map(s => signature(s.labels, m)));
  if (op === 'and') return lhs.filter(s => rhsSigs.has(signature(s.labels, m)));
  if (op === 'unless')
    return lhs.filter(s => !rhsSigs.has(signature(s.labels, m)));
  const lhsSigs = new Set(lhs.map(s => signature(s.labels, m)));
  return [...lhs, ...rhs.filter(s => !lhsSigs.has(signature(s.labels, m)))];
}

/** The labels of a matched result (engine.go resultMetric). */
function resultLabels(
  lhs: LabelSet,
  rhs: LabelSet,
  op: string,
  bool: boolean,
  m: VectorMatching | undefined,
): LabelSet {
  let out: LabelSet = !isComparison(op) || bool ? dropName(lhs) : { ...lhs };
  if (m?.card === 'one-to-one' || !m) {
    if (m?.on) {
      const kept: LabelSet = {};
      for (const l of m.labels) if (l in out) kept[l] = out[l];
      out = kept;
    } else if (m) {
      out = { ...out };
      for (const l of m.labels) delete out[l];
    }
  }
  if (m && m.card !== 'one-to-one') {
    out = { ...out };
    for (const l of m.include) {
      if (l in rhs && rhs[l] !== '') out[l] = rhs[l];
      else delete out[l];
    }
  }
  return out;
}

/** Vector op vector with vector matching (engine.go VectorBinop). */
export function vectorBinop(
  op: string,
  lhsIn: InstantSample[],
  rhsIn: InstantSample[],
  m: VectorMatching | undefined,
  bool: boolean,
): InstantSample[] {
  // group_right is group_left with the sides swapped
  const swap = m?.card === 'one-to-many';
  const [lhs, rhs] = swap ? [rhsIn, lhsIn] : [lhsIn, rhsIn];
  const oneSide = new Map<string, InstantSample>();
  for (const s of rhs) {
    const sig = signature(s.labels, m);
    if (oneSide.has(sig))
      throw new PromqlExecutionError(
        `found duplicate series for the match group ${labelsText(
          matchLabels(s.labels, m),
        )} on the ${
          swap ? 'left' : 'right'
        } hand-side of the operation: [${labelsText(
          oneSide.get(sig)!.labels,
        )}, ${labelsText(
          s.labels,
        )}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    oneSide.set(sig, s);
  }
  const out: InstantSample[] = [];
  const seen = new Set<string>();
  for (const l of lhs) {
    const r = oneSide.get(signature(l.labels, m));
    if (!r) continue;
    const [a, b] = swap ? [r.value, l.value] : [l.value, r.value];
    const v = applyOp(op, a, b);
    const labels = resultLabels(l.labels, r.labels, op, bool, m);
    if (isComparison(op) && !bool) {
      if (v !== 1) continue;
    }
    const key = labelsKey(labels);
    if (seen.has(key))
      throw new PromqlExecutionError(
        m && m.card !== 'one-to-one'
          ? 'multiple matches for labels: grouping labels must ensure unique matches'
          : `multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)`,
      );
    seen.add(key);
    out.push({
      labels,
      value: isComparison(op) && !bool ? l.value : v,
    });
  }
  return out;
}
