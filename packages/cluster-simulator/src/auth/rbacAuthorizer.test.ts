import { resourceById } from '../api/resources';
import { ClusterStore } from '../store/clusterStore';
import { KubeObject } from '../store/storedObject';
import { bootstrapObjects } from './bootstrapPolicy';
import { authorize, requestForbidden } from './rbacAuthorizer';
import { requestAttributes } from './requestAttributes';
import { ANONYMOUS, UserInfo, serviceAccountUser } from './userInfo';

const RBAC = 'rbac.authorization.k8s.io';
const KINDS: Record<string, string> = {
  Role: 'roles',
  ClusterRole: 'clusterroles',
  RoleBinding: 'rolebindings',
  ClusterRoleBinding: 'clusterrolebindings',
};

function storeWith(objects: KubeObject[]): ClusterStore {
  const store = new ClusterStore();
  let uid = 0;
  for (const obj of [...bootstrapObjects(), ...objects]) {
    obj.metadata!.uid = `uid-${uid++}`;
    store.write(resourceById(`${RBAC}/${KINDS[obj.kind!]}`), obj);
  }
  return store;
}

const ref = (kind: string, name: string) => ({ apiGroup: RBAC, kind, name });
const podReader = {
  apiVersion: `${RBAC}/v1`,
  kind: 'ClusterRole',
  metadata: { name: 'pod-reader' },
  rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
} as KubeObject;

const robot = serviceAccountUser('team-a', 'robot');
const list = (path: string) =>
  requestAttributes('GET', path, new URLSearchParams());

describe('authorize', () => {
  it('lets system:masters do anything without any binding', () => {
    const admin: UserInfo = { name: 'x', groups: ['system:masters'] };
    expect(
      authorize(new ClusterStore(), admin, list('/api/v1/secrets')).allowed,
    ).toBe(true);
  });

  it('a ClusterRole bound by a RoleBinding applies in that namespace only', () => {
    const store = storeWith([
      podReader,
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'RoleBinding',
        metadata: { name: 'read', namespace: 'team-a' },
        roleRef: ref('ClusterRole', 'pod-reader'),
        // a ServiceAccount subject without namespace means the binding's namespace
        subjects: [{ kind: 'ServiceAccount', name: 'robot' }],
      } as KubeObject,
    ]);
    expect(
      authorize(store, robot, list('/api/v1/namespaces/team-a/pods')).allowed,
    ).toBe(true);
    expect(
      authorize(store, robot, list('/api/v1/namespaces/team-b/pods')).allowed,
    ).toBe(false);
    expect(authorize(store, robot, list('/api/v1/pods')).allowed).toBe(false);
    // same name, other namespace: another account
    expect(
      authorize(
        store,
        serviceAccountUser('team-b', 'robot'),
        list('/api/v1/namespaces/team-a/pods'),
      ).allowed,
    ).toBe(false);
  });

  it.each([
    [{ kind: 'Group', name: 'system:serviceaccounts:team-a' }, true],
    [{ kind: 'Group', name: 'system:serviceaccounts' }, true],
    [{ kind: 'Group', name: 'system:authenticated' }, true],
    [{ kind: 'User', name: 'system:serviceaccount:team-a:robot' }, true],
    [{ kind: 'User', name: 'robot' }, false],
    [{ kind: 'ServiceAccount', name: 'robot', namespace: 'team-b' }, false],
  ])('a ClusterRoleBinding to %j applies: %s', (subject, allowed) => {
    const store = storeWith([
      podReader,
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'read' },
        roleRef: ref('ClusterRole', 'pod-reader'),
        subjects: [{ apiGroup: RBAC, ...subject }],
      } as KubeObject,
    ]);
    expect(authorize(store, robot, list('/api/v1/pods')).allowed).toBe(allowed);
  });

  it('grants discovery to authenticated users and public info to anonymous ones', () => {
    const store = storeWith([]);
    expect(authorize(store, robot, list('/apis/apps/v1')).allowed).toBe(true);
    expect(authorize(store, robot, list('/openapi/v3')).allowed).toBe(true);
    expect(authorize(store, ANONYMOUS, list('/version')).allowed).toBe(true);
    expect(authorize(store, ANONYMOUS, list('/apis')).allowed).toBe(false);
  });

  it('reports every missing role, once', () => {
    const binding = (name: string, role: string) =>
      ({
        apiVersion: `${RBAC}/v1`,
        kind: 'ClusterRoleBinding',
        metadata: { name },
        roleRef: ref('ClusterRole', role),
        subjects: [{ kind: 'Group', name: 'system:authenticated' }],
      } as KubeObject);
    const store = storeWith([
      binding('a', 'gone'),
      binding('b', 'gone'),
      binding('c', 'also-gone'),
    ]);
    const attrs = list('/api/v1/namespaces/team-a/pods');
    const decision = authorize(store, robot, attrs);
    expect(decision).toEqual({
      allowed: false,
      reason:
        'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, clusterrole.rbac.authorization.k8s.io "also-gone" not found]',
    });
    expect(requestForbidden(robot, attrs, decision.reason).message).toBe(
      `pods is forbidden: User "system:serviceaccount:team-a:robot" cannot list resource "pods" in API group "" in the namespace "team-a": ${decision.reason}`,
    );
  });
});
