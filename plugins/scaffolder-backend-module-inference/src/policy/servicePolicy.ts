import type { ManifestViolation } from './platformPolicy';

/**
 * Rules over the whole set of a service's manifests, for what is valid object by object but wrong together or on a
 * real cluster: how an autoscaler reads its metric, which pods a query sees, who owns the replica count, and
 * whether a shared volume can bind.
 */

type Json = Record<string, any>;

/** A parsed manifest and where it came from. */
export interface LocatedManifest {
  value: Json;
  file: string;
  document: number;
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
    const spec = value.spec ?? {};
    if (value.kind === 'ScaledObject' || value.kind === 'HTTPScaledObject') {
      targets.add(
        `${spec.scaleTargetRef?.kind ?? 'Deployment'}/${
          spec.scaleTargetRef?.name
        }`,
      );
    } else if (value.kind === 'HorizontalPodAutoscaler') {
      targets.add(`${spec.scaleTargetRef?.kind}/${spec.scaleTargetRef?.name}`);
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
      name: String(m.value.metadata?.name ?? '<unnamed>'),
      path,
      rule,
      message,
    });
  const scaled = autoscalerTargets(manifests);

  for (const m of manifests) {
    const { value } = m;
    const spec = value.spec ?? {};
    if (value.kind === 'ScaledObject') {
      const target = String(spec.scaleTargetRef?.name ?? '');
      for (const [i, trigger] of ((spec.triggers ?? []) as Json[]).entries()) {
        if (trigger.type !== 'prometheus') continue;
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
    if (
      value.kind === 'Deployment' ||
      value.kind === 'StatefulSet' ||
      value.kind === 'LeaderWorkerSet'
    ) {
      const key = `${value.kind}/${value.metadata?.name}`;
      if (scaled.has(key) && spec.replicas !== undefined) {
        report(
          m,
          'spec.replicas',
          'replicas-beside-autoscaler',
          `an autoscaler owns ${key}'s replica count: remove spec.replicas, or every sync resets what the autoscaler chose`,
        );
      }
    }
    if (value.kind === 'PersistentVolumeClaim') {
      const modes = (spec.accessModes ?? []) as string[];
      if (modes.includes('ReadWriteMany') && !spec.storageClassName) {
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
