/*
 * Whether one RBAC PolicyRule allows a request, with the semantics of the
 * API server's RBAC authorizer
 * (https://kubernetes.io/docs/reference/access-authn-authz/rbac/; upstream:
 * plugin/pkg/auth/authorizer/rbac/rbac.go `RuleAllows`, and the matchers
 * `VerbMatches`, `APIGroupMatches`, `ResourceMatches`, `ResourceNameMatches`,
 * `NonResourceURLMatches` in pkg/apis/rbac/v1/evaluation_helpers.go).
 */
import { RequestAttributes } from './requestAttributes';

/** An RBAC `PolicyRule` as stored in Roles and ClusterRoles. @public */
export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const ALL = '*';

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return (rule.verbs ?? []).some(v => v === ALL || v === verb);
}

function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some(g => g === ALL || g === group);
}

// `combined` is `pods` or `pods/log`. A rule names a resource, a `resource/subresource`, `*` (everything,
// subresources included) or `*` + `/subresource` (that subresource of any resource).
function resourceMatches(
  rule: PolicyRule,
  combined: string,
  subresource: string,
): boolean {
  return (rule.resources ?? []).some(
    r =>
      r === ALL ||
      r === combined ||
      (subresource !== '' && r === `*/${subresource}`),
  );
}

// an empty list means every name; a list never matches a request without a name (create, list without a name selector)
function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

// `*` matches every path; a trailing `*` matches by prefix
function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    u =>
      u === ALL ||
      u === path ||
      (u.endsWith('*') && path.startsWith(u.slice(0, -1))),
  );
}

/** Whether the rule allows the request. */
export function ruleAllows(
  attrs: RequestAttributes,
  rule: PolicyRule,
): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (!attrs.resourceRequest) return nonResourceUrlMatches(rule, attrs.path);
  const combined = attrs.subresource
    ? `${attrs.resource}/${attrs.subresource}`
    : attrs.resource;
  return (
    apiGroupMatches(rule, attrs.apiGroup) &&
    resourceMatches(rule, combined, attrs.subresource) &&
    resourceNameMatches(rule, attrs.name)
  );
}
