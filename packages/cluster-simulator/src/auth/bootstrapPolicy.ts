/*
 * The default roles and bindings an API server creates at start-up
 * (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings;
 * upstream: plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go), the
 * ones requests of the simulator's clients depend on: cluster-admin for
 * system:masters, discovery and public info for every authenticated user,
 * plus the simulator's own read-only identity.
 */
import { createHash } from 'crypto';
import { resourceById } from '../api/resources';
import { ClusterStore } from '../store/clusterStore';
import { KubeObject } from '../store/storedObject';
import { PolicyRule } from './policyRules';
import { Subject } from './rbacAuthorizer';
import {
  AUTHENTICATED_GROUP,
  PRIVILEGED_GROUP,
  UNAUTHENTICATED_GROUP,
} from './userInfo';

const CLUSTER_ROLES = resourceById('rbac.authorization.k8s.io/clusterroles');
const CLUSTER_ROLE_BINDINGS = resourceById(
  'rbac.authorization.k8s.io/clusterrolebindings',
);
const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** The namespace and name of the service account the read-only token stands for. */
export const READ_ONLY_ACCOUNT = { namespace: 'backstage', name: 'read-only' };

const DEFAULTS_LABEL = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const AUTOUPDATE = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

function clusterRole(
  name: string,
  rules: PolicyRule[],
  simulatorOwn = false,
): KubeObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRole',
    metadata: {
      name,
      labels: simulatorOwn ? {} : { ...DEFAULTS_LABEL },
      annotations: { ...AUTOUPDATE },
    },
    rules,
  } as KubeObject;
}

function clusterRoleBinding(
  name: string,
  role: string,
  subjects: Subject[],
  simulatorOwn = false,
): KubeObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: {
      name,
      labels: simulatorOwn ? {} : { ...DEFAULTS_LABEL },
      annotations: { ...AUTOUPDATE },
    },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: role },
    subjects,
  } as KubeObject;
}

const group = (name: string): Subject => ({
  apiGroup: RBAC_GROUP,
  kind: 'Group',
  name,
});

const PUBLIC_INFO_URLS = [
  '/healthz',
  '/livez',
  '/readyz',
  '/version',
  '/version/',
];

/** The default ClusterRoles and ClusterRoleBindings, in creation order. */
export function bootstrapObjects(): KubeObject[] {
  return [
    clusterRole('cluster-admin', [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]),
    clusterRole('system:discovery', [
      {
        nonResourceURLs: [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
          '/readyz',
          '/version',
          '/version/',
        ],
        verbs: ['get'],
      },
    ]),
    clusterRole('system:basic-user', [
      {
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
        verbs: ['create'],
      },
      {
        apiGroups: ['authentication.k8s.io'],
        resources: ['selfsubjectreviews'],
        verbs: ['create'],
      },
    ]),
    clusterRole('system:public-info-viewer', [
      { nonResourceURLs: PUBLIC_INFO_URLS, verbs: ['get'] },
    ]),
    // the simulator's read-only token: reads everything, may call pod/service/node proxies (metrics scrapes)
    clusterRole(
      'simulator:read-only',
      [
        { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['*/proxy'], verbs: ['*'] },
      ],
      true,
    ),
    clusterRoleBinding('cluster-admin', 'cluster-admin', [
      group(PRIVILEGED_GROUP),
    ]),
    clusterRoleBinding('system:discovery', 'system:discovery', [
      group(AUTHENTICATED_GROUP),
    ]),
    clusterRoleBinding('system:basic-user', 'system:basic-user', [
      group(AUTHENTICATED_GROUP),
    ]),
    clusterRoleBinding(
      'system:public-info-viewer',
      'system:public-info-viewer',
      [group(AUTHENTICATED_GROUP), group(UNAUTHENTICATED_GROUP)],
    ),
    clusterRoleBinding(
      'simulator:read-only',
      'simulator:read-only',
      [{ kind: 'ServiceAccount', ...READ_ONLY_ACCOUNT }],
      true,
    ),
  ];
}

/**
 * Stores the default roles and bindings in a fresh cluster. Written to the
 * store directly, with uids derived from the cluster name, so that the
 * simulation's seeded random sequence (pod names, uids) stays what it was.
 */
export function bootstrapPolicy(
  store: ClusterStore,
  clusterName: string,
  nowIso: string,
): void {
  for (const obj of bootstrapObjects()) {
    const r =
      obj.kind === 'ClusterRole' ? CLUSTER_ROLES : CLUSTER_ROLE_BINDINGS;
    const hex = createHash('sha256')
      .update(`${clusterName}/${obj.kind}/${obj.metadata!.name}`)
      .digest('hex');
    obj.metadata!.uid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(
      12,
      16,
    )}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    obj.metadata!.creationTimestamp = nowIso;
    store.write(r, obj);
  }
}
