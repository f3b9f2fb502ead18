/*
 * The PromQL expression tree the simulator evaluates: the subset of
 * Prometheus's promql/parser AST (https://github.com/prometheus/prometheus/
 * blob/main/promql/parser/ast.go) that autoscaler queries use.
 */

/** A label matcher: `=`, `!=`, `=~`, `!~`. @public */
export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** Vector matching of a binary operation (`on`/`ignoring`, `group_left/right`). */
export interface VectorMatching {
  on: boolean;
  labels: string[];
  card: 'one-to-one' | 'many-to-one' | 'one-to-many';
  include: string[];
}

/** An instant vector selector. */
export interface VectorSelectorNode {
  type: 'vector';
  matchers: LabelMatcher[];
  offsetMs: number;
}

/** A PromQL expression. @public */
export type Expr =
  | { type: 'number'; value: number }
  | { type: 'string'; value: string }
  | VectorSelectorNode
  | { type: 'matrix'; selector: VectorSelectorNode; rangeMs: number }
  | {
      type: 'aggregate';
      op: string;
      without: boolean;
      grouping: string[];
      param?: Expr;
      expr: Expr;
    }
  | { type: 'call'; fn: string; args: Expr[] }
  | {
      type: 'binary';
      op: string;
      lhs: Expr;
      rhs: Expr;
      bool: boolean;
      matching?: VectorMatching;
    }
  | { type: 'unary'; op: '-' | '+'; expr: Expr };
