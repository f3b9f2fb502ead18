/*
 * The PodSecurity admission plugin, as kube-apiserver runs it built in:
 * k8s.io/pod-security-admission admission/admission.go.
 *
 * - Pods (`ValidatePod`): create, and updates that change an image or the
 *   container lists (`isSignificantPodUpdate`), are checked against the
 *   namespace's `enforce` level and refused with 403 Forbidden
 *   `pods "x" is forbidden: violates PodSecurity "restricted:latest": ...`;
 *   allowed pods that violate `warn` get a warning. Pods written through the
 *   status and binding subresources are not evaluated (`ignoredPodSubresources`).
 *   Pods created by controllers (ReplicaSet, StatefulSet, DaemonSet) pass here
 *   too, so their controllers see the same error and record FailedCreate.
 * - Workload resources with a pod template (`ValidatePodController`:
 *   Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob) are never
 *   refused: only `warn` (and `audit`) are evaluated, and a violation comes
 *   back as a `Warning` header `would violate PodSecurity "...": ...`.
 * - Namespaces (`ValidateNamespace`): labels that do not parse are refused on
 *   create, and on update when they changed.
 */
import { resourceById } from '../api/resources';
import { forbidden, invalid } from '../api/status';
import { AdmissionPlugin, AdmissionRequest } from '../api/writeContext';
import { ClusterStore } from '../store/clusterStore';
import { evaluatePod, forbiddenDetail } from './podSecurityChecks';
import { levelVersionString, policyFromLabels } from './podSecurityPolicy';

type Obj = Record<string, any>;

const NAMESPACES = resourceById('core/namespaces');

/** DefaultPodSpecExtractor: where each pod controller keeps its template */
const TEMPLATE_OF: Record<string, (o: Obj) => Obj | undefined> = {
  'apps/deployments': o => o.spec?.template,
  'apps/replicasets': o => o.spec?.template,
  'apps/statefulsets': o => o.spec?.template,
  'apps/daemonsets': o => o.spec?.template,
  'batch/jobs': o => o.spec?.template,
  'batch/cronjobs': o => o.spec?.jobTemplate?.spec?.template,
};

/** isSignificantPodUpdate: only image changes and container-list changes are re-evaluated */
function significantPodUpdate(next: Obj, previous: Obj): boolean {
  const seccompPod = 'seccomp.security.alpha.kubernetes.io/pod';
  if (
    next.metadata?.annotations?.[seccompPod] !==
    previous.metadata?.annotations?.[seccompPod]
  )
    return true;
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    const a = (next.spec?.[list] as Obj[]) ?? [];
    const b = (previous.spec?.[list] as Obj[]) ?? [];
    if (a.length !== b.length) return true;
    if (a.some((c, i) => c.image !== b[i].image)) return true;
  }
  return false;
}

function namespaceLabels(
  store: ClusterStore,
  namespace: string | undefined,
): Record<string, string> {
  if (!namespace) return {};
  const ns = store.getObject(NAMESPACES, undefined, namespace) as
    | Obj
    | undefined;
  return ns?.metadata?.labels ?? {};
}

function validateNamespace(req: AdmissionRequest): void {
  const labels = (req.object.metadata?.labels ?? {}) as Record<string, string>;
  const errors = policyFromLabels(labels).errors;
  if (errors.length === 0) return;
  if (req.operation === 'UPDATE') {
    const before = policyFromLabels(
      (req.previous?.metadata?.labels ?? {}) as Record<string, string>,
    ).errors;
    if (before.length > 0 && before.join() === errors.join()) return;
  }
  throw invalid(
    req.resource,
    req.object.metadata?.name ?? '',
    errors.map(e => {
      const [key, value] = e.split('=');
      return {
        field: `metadata.labels[${key}]`,
        message: `Invalid value: "${value}": ${
          key.endsWith('-version')
            ? 'must be "latest" or "v1.x"'
            : 'must be one of privileged, baseline, restricted'
        }`,
      };
    }),
  );
}

/** The PodSecurity plugin of one cluster; namespaces are read from its store. */
export function podSecurityAdmission(store: ClusterStore): AdmissionPlugin {
  return req => {
    const r = req.resource;
    if (r.id === 'core/namespaces') {
      if (!req.subresource) validateNamespace(req);
      return;
    }
    const obj = req.object as Obj;
    if (r.id === 'core/pods') {
      if (req.subresource) return;
      const policy = policyFromLabels(
        namespaceLabels(store, obj.metadata?.namespace),
      );
      if (
        policy.errors.length === 0 &&
        policy.enforce.level === 'privileged' &&
        policy.warn.level === 'privileged' &&
        policy.audit.level === 'privileged'
      )
        return;
      if (
        req.operation === 'UPDATE' &&
        req.previous &&
        !significantPodUpdate(obj, req.previous as Obj)
      )
        return;
      const enforced = evaluatePod(policy.enforce, obj.metadata, obj.spec);
      if (enforced.length > 0) {
        throw forbidden(
          r,
          obj.metadata?.name ?? '',
          `violates PodSecurity "${levelVersionString(
            policy.enforce,
          )}": ${forbiddenDetail(enforced)}`,
        );
      }
      warnFor(req, policy.warn, obj.metadata, obj.spec);
      return;
    }
    const templateOf = TEMPLATE_OF[r.id];
    if (!templateOf || req.subresource) return;
    const policy = policyFromLabels(
      namespaceLabels(store, obj.metadata?.namespace),
    );
    if (
      policy.errors.length === 0 &&
      policy.warn.level === 'privileged' &&
      policy.audit.level === 'privileged'
    )
      return;
    const template = templateOf(obj);
    if (!template) return;
    warnFor(req, policy.warn, template.metadata, template.spec);
  };
}

function warnFor(
  req: AdmissionRequest,
  lv: Parameters<typeof evaluatePod>[0],
  meta: Obj | undefined,
  spec: Obj | undefined,
): void {
  const failures = evaluatePod(lv, meta, spec);
  if (failures.length === 0) return;
  req.warn(
    `would violate PodSecurity "${levelVersionString(lv)}": ${forbiddenDetail(
      failures,
    )}`,
  );
}
