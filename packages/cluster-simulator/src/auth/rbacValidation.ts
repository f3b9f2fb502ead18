/*
 * Validation of RBAC bindings the API server performs on writes
 * (upstream: pkg/apis/rbac/validation/validation.go): a binding names a Role
 * or ClusterRole, its roleRef cannot change, subjects have a known kind and
 * service accounts a namespace. Rules of roles are stored as given.
 */
import { invalid } from '../api/status';
import { AdmissionPlugin } from '../api/writeContext';
import { KubeObject } from '../store/storedObject';
import { Subject } from './rbacAuthorizer';

type Cause = { field: string; message: string; type?: string };

function subjectCauses(
  subjects: Subject[],
  namespaced: boolean,
  causes: Cause[],
): void {
  subjects.forEach((s, i) => {
    const at = `subjects[${i}]`;
    if (!['ServiceAccount', 'User', 'Group'].includes(s?.kind)) {
      causes.push({
        field: `${at}.kind`,
        message: `Unsupported value: "${
          s?.kind ?? ''
        }": supported values: "ServiceAccount", "User", "Group"`,
        type: 'FieldValueNotSupported',
      });
    }
    if (!s?.name)
      causes.push({
        field: `${at}.name`,
        message: 'Required value',
        type: 'FieldValueRequired',
      });
    if (s?.kind === 'ServiceAccount' && !s.namespace && !namespaced)
      causes.push({
        field: `${at}.namespace`,
        message: 'Required value',
        type: 'FieldValueRequired',
      });
  });
}

/** The admission plugin validating RoleBindings and ClusterRoleBindings. */
export const validateRbac: AdmissionPlugin = req => {
  const kind = req.resource.kind;
  if (kind !== 'RoleBinding' && kind !== 'ClusterRoleBinding') return;
  const obj = req.object as KubeObject & {
    roleRef?: { apiGroup?: string; kind?: string; name?: string };
    subjects?: Subject[];
  };
  const causes: Cause[] = [];
  const ref = obj.roleRef;
  const allowedKinds =
    kind === 'RoleBinding' ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!ref?.kind || !allowedKinds.includes(ref.kind)) {
    causes.push({
      field: 'roleRef.kind',
      message: `Unsupported value: "${
        ref?.kind ?? ''
      }": supported values: ${allowedKinds.map(k => `"${k}"`).join(', ')}`,
      type: 'FieldValueNotSupported',
    });
  }
  if (!ref?.name)
    causes.push({
      field: 'roleRef.name',
      message: 'Required value',
      type: 'FieldValueRequired',
    });
  if (ref?.apiGroup !== 'rbac.authorization.k8s.io') {
    causes.push({
      field: 'roleRef.apiGroup',
      message: `Unsupported value: "${
        ref?.apiGroup ?? ''
      }": supported values: "rbac.authorization.k8s.io"`,
      type: 'FieldValueNotSupported',
    });
  }
  const previousRef = (req.previous as typeof obj | undefined)?.roleRef;
  if (
    req.operation === 'UPDATE' &&
    previousRef &&
    (previousRef.kind !== ref?.kind || previousRef.name !== ref?.name)
  ) {
    causes.push({
      field: 'roleRef',
      message: `Invalid value: {"apiGroup":"rbac.authorization.k8s.io","kind":"${
        ref?.kind ?? ''
      }","name":"${ref?.name ?? ''}"}: cannot change roleRef`,
    });
  }
  subjectCauses(obj.subjects ?? [], kind === 'RoleBinding', causes);
  if (causes.length)
    throw invalid(req.resource, obj.metadata?.name ?? '', causes);
};
