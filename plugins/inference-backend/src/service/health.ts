import { InferenceWorkload } from '@inference-platform/plugin-inference-common';

/** Health of a workload from its most severe finding. */
export function healthOf(
  workload: InferenceWorkload,
): 'healthy' | 'warning' | 'critical' {
  if (workload.findings.some(f => f.severity === 'critical')) return 'critical';
  if (workload.findings.some(f => f.severity === 'warning')) return 'warning';
  return 'healthy';
}
