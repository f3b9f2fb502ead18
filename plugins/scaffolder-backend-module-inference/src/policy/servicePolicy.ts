import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1';
import type { ManifestViolation } from './platformPolicy';

/**
 * Rules over the whole set of a service's manifests, for what is valid object by object but wrong together or on a
 * real cluster: how an autoscaler reads its metric, which pods a query sees, who owns the replica count, and
 * whether a shared volume can bind.
 */

/** A parsed manifest and where it came from. */
export interface LocatedManifest {
  /** The parsed YAML document, with a string `kind`. */
  value: Record<string, unknown>;
  file: string;
  document: number;
}

/** Kubernetes object metadata (apimachinery's ObjectMeta), as the generated models type it. */
type ObjectMeta = IDeployment['metadata'];

/** KEDA HTTP add-on's scaler (http.keda.sh/v1alpha1), which kubernetes-models does not model: the fields read here. */
interface HttpScaledObject {
  kind: 'HTTPScaledObject';
  metadata?: ObjectMeta;
  spec?: { scaleTargetRef?: { kind?: string; name?: string } };
}

/** LeaderWorkerSet (leaderworkerset.x-k8s.io/v1), which kubernetes-models does not model: the fields read here. */
interface LeaderWorkerSet {
  kind: 'LeaderWorkerSet';
  metadata?: ObjectMeta;
  spec?: { replicas?: number };
}

/**
 * The one place a parsed document becomes a Kubernetes object: a document of one of the kinds is read as that kind's
 * type. YAML can still leave out a required field or give it another shape, so the rules read every field with `?.`
 * and check arrays before walking them.
 */
function ofKind<T extends { kind: string }>(
  value: Record<string, unknown>,
  ...kinds: Array<T['kind']>
): T | undefined {
  return kinds.includes(value.kind as T['kind'])
    ? (value as unknown as T)
    : undefined;
}

function nameOf(value: Record<string, unknown>): string {
  const metadata = value.metadata as ObjectMeta;
  return String(metadata?.name ?? '<unnamed>');
}

/** Outermost aggregation of a query, or `ratio` for a top-level division. */
function queryShape(query: string): 'total' | 'average' | 'ratio' | 'other' {
  const q = query.trim();
  if (/^(avg|min|max|quantile)\s*(by|without)?\s*(\([^)]*\))?\s*\(/.test(q))
    return 'average';
  // a division outside any parentheses: a ratio of two aggregates
  let depth = 0;
  for (const ch of q) {
    if (ch === '(' || ch === '{' || ch === '[') depth += 1;
    else if (ch === ')' || ch === '}' || ch === ']') depth -= 1;
    else if (ch === '/' && depth === 0) return 'ratio';
  }
  if (/^(sum|count)\s*(by|without)?\s*(\([^)]*\))?\s*\(/.test(q))
    return 'total';
  return 'other';
}

/** True when the query has a matcher that names the scale target (service, deployment or its pods' names). */
function namesTarget(query: string, target: string): boolean {
  const escaped = target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const exact = new RegExp(
    `\\b(service|deployment|scaledobject|app|app_kubernetes_io_name)\\s*=\\s*"${escaped}"`,
  );
  // a pod-name regex only when it cannot match another Deployment's pods (name-<hash>-<id>)
  const podRegex = new RegExp(`\\bpod\\s*=~\\s*"${escaped}-\\[`);
  return exact.test(query) || podRegex.test(query);
}

function autoscalerTargets(manifests: LocatedManifest[]): Set<string> {
  const targets = new Set<string>();
  for (const { value } of manifests) {
    const keda = ofKind<IScaledObject | HttpScaledObject>(
      value,
      'ScaledObject',
      'HTTPScaledObject',
    );
    const hpa = ofKind<IHorizontalPodAutoscaler>(
      value,
      'HorizontalPodAutoscaler',
    );
    if (keda) {
      const ref = keda.spec?.scaleTargetRef;
      targets.add(`${ref?.kind ?? 'Deployment'}/${ref?.name}`);
    } else if (hpa) {
      const ref = hpa.spec?.scaleTargetRef;
      targets.add(`${ref?.kind}/${ref?.name}`);
    }
  }
  return targets;
}

/**
 * Checks a service's manifests together.
 *
 * - `autoscaler-metric-type`: KEDA's default metricType, AverageValue, divides the query's value by the replica
 *   count (the HPA's per-pod target: desired = ceil(value / threshold)); an average or a ratio is already per
 *   replica, so it must be `metricType: Value` (desired = ceil(current × value / threshold)), or it can never ask for
 *   more than ceil(1 / threshold) replicas (keda.sh/docs/latest/reference/scaledobject-spec, "triggers"; Kubernetes
 *   HPA algorithm details).
 * - `autoscaler-scoped-query`: a query must select its own Deployment's pods, or two services of one model in one
 *   namespace scale on each other's load.
 * - `replicas-beside-autoscaler`: a workload an autoscaler scales must not set spec.replicas (every GitOps sync
 *   would reset the count the autoscaler chose).
 * - `volume-storage-class`: a ReadWriteMany claim must name its StorageClass (the default class of a cluster, e.g.
 *   EBS on EKS, commonly serves ReadWriteOnce only, and the claim then never binds).
 */
export function checkServicePolicy(
  manifests: LocatedManifest[],
): ManifestViolation[] {
  const violations: ManifestViolation[] = [];
  const report = (
    m: LocatedManifest,
    path: string,
    rule: ManifestViolation['rule'],
    message: string,
  ) =>
    violations.push({
      file: m.file,
      document: m.document,
      kind: String(m.value.kind),
      name: nameOf(m.value),
      path,
      rule,
      message,
    });
  const scaled = autoscalerTargets(manifests);

  for (const m of manifests) {
    const scaledObject = ofKind<IScaledObject>(m.value, 'ScaledObject');
    const triggers = scaledObject?.spec?.triggers;
    if (scaledObject && Array.isArray(triggers)) {
      const target = String(scaledObject.spec?.scaleTargetRef?.name ?? '');
      for (const [i, trigger] of triggers.entries()) {
        if (trigger?.type !== 'prometheus') continue;
        const query = String(trigger.metadata?.query ?? '');
        const metricType = trigger.metricType ?? 'AverageValue';
        const shape = queryShape(query);
        if (
          (shape === 'average' || shape === 'ratio') &&
          metricType !== 'Value'
        ) {
          report(
            m,
            `spec.triggers[${i}].metricType`,
            'autoscaler-metric-type',
            `the query is ${
              shape === 'ratio' ? 'a ratio' : 'an average'
            } (already per replica) but metricType is ${metricType}, which divides it by the replica count again: the HPA would ask for ceil(value / threshold) replicas whatever the load; use metricType: Value`,
          );
        }
        if (!namesTarget(query, target)) {
          report(
            m,
            `spec.triggers[${i}].metadata.query`,
            'autoscaler-scoped-query',
            `the query does not select ${target}'s own pods (a matcher such as service="${target}"): another service of the same model in the namespace would move it`,
          );
        }
      }
    }
    const workload = ofKind<IDeployment | IStatefulSet | LeaderWorkerSet>(
      m.value,
      'Deployment',
      'StatefulSet',
      'LeaderWorkerSet',
    );
    if (workload) {
      const key = `${workload.kind}/${workload.metadata?.name}`;
      if (scaled.has(key) && workload.spec?.replicas !== undefined) {
        report(
          m,
          'spec.replicas',
          'replicas-beside-autoscaler',
          `an autoscaler owns ${key}'s replica count: remove spec.replicas, or every sync resets what the autoscaler chose`,
        );
      }
    }
    const claim = ofKind<IPersistentVolumeClaim>(
      m.value,
      'PersistentVolumeClaim',
    );
    if (claim) {
      const modes = claim.spec?.accessModes;
      const shared = Array.isArray(modes) && modes.includes('ReadWriteMany');
      if (shared && !claim.spec?.storageClassName) {
        report(
          m,
          'spec.storageClassName',
          'volume-storage-class',
          'a ReadWriteMany claim without a storageClassName gets the cluster default class, which on EKS (EBS) serves ReadWriteOnce only: the claim would never bind; name a ReadWriteMany class',
        );
      }
    }
  }
  return violations;
}
