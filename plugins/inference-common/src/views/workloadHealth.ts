import { InferenceWorkload } from '../api';

/**
 * Health of a workload from its most severe finding.
 *
 * @public
 */
export function healthOf(
  workload: InferenceWorkload,
): 'healthy' | 'warning' | 'critical' {
  if (workload.findings.some(f => f.severity === 'critical')) return 'critical';
  if (workload.findings.some(f => f.severity === 'warning')) return 'warning';
  return 'healthy';
}
