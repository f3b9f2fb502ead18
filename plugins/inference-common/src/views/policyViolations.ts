import { InferenceWorkload, PolicyViolation } from '../api';
import { QuotaStanding } from '../quota/quota';

/**
 * Rules the governance page lists, from the fleet's workloads and the quota standings.
 *
 * @public
 */
export function policyViolations(
  workloads: InferenceWorkload[],
  standings: QuotaStanding[],
): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  for (const s of standings.filter(q => q.overLimit)) {
    violations.push({
      kind: 'over-quota',
      owner: s.owner,
      message: `${s.owner} holds ${s.used} + ${s.reserved} reserved ${
        s.gpuType
      } GPUs against a limit of ${s.limit ?? 0}`,
    });
  }
  for (const w of workloads) {
    if (!w.imageDigestPinned) {
      violations.push({
        kind: 'tag-only-image',
        workloadId: w.id,
        owner: w.owner,
        message: `${w.id} runs ${
          w.image ?? 'an image'
        } by tag: pin it by digest`,
      });
    }
    if (!w.owner) {
      violations.push({
        kind: 'unowned-workload',
        workloadId: w.id,
        message: `${w.id} has no owner: label it backstage.io/kubernetes-id for a catalog entity`,
      });
    }
    if (!w.autoscaler && w.gpusPerReplica > 0) {
      violations.push({
        kind: 'no-autoscaler-ceiling',
        workloadId: w.id,
        owner: w.owner,
        message: `${
          w.id
        } has no autoscaler: it cannot follow load and ${holding(w)}`,
      });
    }
    if (w.findings.some(f => f.kind === 'cuda-driver-insufficient')) {
      violations.push({
        kind: 'driver-incompatible',
        workloadId: w.id,
        owner: w.owner,
        message: `${w.id} runs an image whose CUDA version its nodes' driver cannot run`,
      });
    }
  }
  return violations;
}

/** What a workload without an autoscaler holds: the GPUs of its pods on nodes, and what its replicas are charged. */
function holding(w: InferenceWorkload): string {
  const held = w.pods
    .filter(p => p.nodeName && p.phase !== 'Succeeded' && p.phase !== 'Failed')
    .reduce((sum, p) => sum + p.gpus, 0);
  const charged =
    held === w.quotaCharge
      ? ''
      : ` (${w.quotaCharge} charged for its ${w.replicas.desired} replicas)`;
  return `holds ${held} GPU${held === 1 ? '' : 's'} around the clock${charged}`;
}
