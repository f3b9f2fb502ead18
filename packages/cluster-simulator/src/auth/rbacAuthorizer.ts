/*
 * The RBAC authorizer of a simulated API server: members of system:masters
 * pass (the API server puts a privileged-group authorizer before RBAC);
 * everyone else needs a rule of a ClusterRole bound by a ClusterRoleBinding,
 * or of a Role/ClusterRole bound by a RoleBinding in the request's namespace
 * (https://kubernetes.io/docs/reference/access-authn-authz/rbac/; upstream:
 * plugin/pkg/auth/authorizer/rbac/rbac.go and the rule resolver's
 * `VisitRulesFor` / `appliesTo` in pkg/registry/rbac/validation/rule.go).
 * Denials answer 403 with the API server's wording
 * (k8s.io/apiserver pkg/endpoints/handlers/responsewriters/errors.go).
 */
import { resourceById } from '../api/resources';
import { ApiError, StatusBody } from '../api/status';
import { ClusterStore } from '../store/clusterStore';
import { KubeObject, parseStored } from '../store/storedObject';
import { PolicyRule, ruleAllows } from './policyRules';
import { RequestAttributes } from './requestAttributes';
import { PRIVILEGED_GROUP, UserInfo, serviceAccountUserName } from './userInfo';

const ROLES = resourceById('rbac.authorization.k8s.io/roles');
const CLUSTER_ROLES = resourceById('rbac.authorization.k8s.io/clusterroles');
const ROLE_BINDINGS = resourceById('rbac.authorization.k8s.io/rolebindings');
const CLUSTER_ROLE_BINDINGS = resourceById(
  'rbac.authorization.k8s.io/clusterrolebindings',
);

/** A binding subject. @public */
export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount' | string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** What the authorizer decided, and why it could not allow. @public */
export interface Decision {
  allowed: boolean;
  /** `RBAC: ...` when a binding names a role that does not exist; empty otherwise */
  reason: string;
}

interface Binding {
  roleRef?: { kind?: string; name?: string };
  subjects?: Subject[];
}

/** Whether a binding subject names the user; ServiceAccount subjects default to the binding's namespace. */
export function subjectMatches(
  user: UserInfo,
  subject: Subject,
  bindingNamespace: string,
): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || bindingNamespace;
      return !!ns && user.name === serviceAccountUserName(ns, subject.name);
    }
    default:
      return false;
  }
}

function rulesOf(
  store: ClusterStore,
  ref: Binding['roleRef'],
  bindingNamespace: string,
): { rules?: PolicyRule[]; error?: string } {
  const name = ref?.name ?? '';
  if (ref?.kind === 'ClusterRole') {
    const role = store.getObject(CLUSTER_ROLES, undefined, name);
    return role
      ? { rules: ((role as KubeObject).rules as PolicyRule[]) ?? [] }
      : { error: `clusterrole.rbac.authorization.k8s.io "${name}" not found` };
  }
  if (ref?.kind === 'Role') {
    const role = store.getObject(ROLES, bindingNamespace, name);
    return role
      ? { rules: ((role as KubeObject).rules as PolicyRule[]) ?? [] }
      : { error: `role.rbac.authorization.k8s.io "${name}" not found` };
  }
  return { error: `unsupported role reference kind: "${ref?.kind ?? ''}"` };
}

/** Decides one request by RBAC. */
export function authorize(
  store: ClusterStore,
  user: UserInfo,
  attrs: RequestAttributes,
): Decision {
  if (user.groups.includes(PRIVILEGED_GROUP))
    return { allowed: true, reason: '' };
  const errors: string[] = [];
  const visit = (binding: Binding, bindingNamespace: string): boolean => {
    if (
      !(binding.subjects ?? []).some(s =>
        subjectMatches(user, s, bindingNamespace),
      )
    )
      return false;
    const { rules, error } = rulesOf(store, binding.roleRef, bindingNamespace);
    if (error) errors.push(error);
    return (rules ?? []).some(rule => ruleAllows(attrs, rule));
  };
  for (const s of store.table(CLUSTER_ROLE_BINDINGS).values()) {
    if (visit(parseStored(s) as Binding, ''))
      return { allowed: true, reason: '' };
  }
  if (attrs.namespace) {
    for (const s of store.table(ROLE_BINDINGS).values(attrs.namespace)) {
      if (visit(parseStored(s) as Binding, attrs.namespace))
        return { allowed: true, reason: '' };
    }
  }
  // like utilerrors.Aggregate: one message as is, several deduplicated in brackets
  const unique = Array.from(new Set(errors));
  const reason =
    unique.length === 0
      ? ''
      : `RBAC: ${unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`}`;
  return { allowed: false, reason };
}

function forbiddenDetails(
  group: string,
  resource: string,
  name: string,
): StatusBody['details'] {
  const details: StatusBody['details'] = {};
  if (name) details.name = name;
  if (group) details.group = group;
  if (resource) details.kind = resource;
  return details;
}

/** `<resource.group> "<name>" is forbidden: <why>`, as apierrors.NewForbidden words it. */
export function forbiddenError(
  group: string,
  resource: string,
  name: string,
  why: string,
): ApiError {
  const qualified = group && resource ? `${resource}.${group}` : resource;
  let message: string;
  if (!qualified) message = `forbidden: ${why}`;
  else if (!name) message = `${qualified} is forbidden: ${why}`;
  else message = `${qualified} "${name}" is forbidden: ${why}`;
  return new ApiError(
    403,
    'Forbidden',
    message,
    forbiddenDetails(group, resource, name),
  );
}

/** The 403 of a denied request: who cannot do what, where, and the RBAC reason if any. */
export function requestForbidden(
  user: UserInfo,
  attrs: RequestAttributes,
  reason: string,
): ApiError {
  let what: string;
  if (!attrs.resourceRequest) {
    what = `User "${user.name}" cannot ${attrs.verb} path "${attrs.path}"`;
  } else {
    const resource = attrs.subresource
      ? `${attrs.resource}/${attrs.subresource}`
      : attrs.resource;
    const where = attrs.namespace
      ? `in the namespace "${attrs.namespace}"`
      : 'at the cluster scope';
    what = `User "${user.name}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.apiGroup}" ${where}`;
  }
  return forbiddenError(
    attrs.resourceRequest ? attrs.apiGroup : '',
    attrs.resourceRequest ? attrs.resource : '',
    attrs.resourceRequest ? attrs.name : '',
    reason ? `${what}: ${reason}` : what,
  );
}
