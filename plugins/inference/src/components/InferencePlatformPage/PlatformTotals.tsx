import { InfoCard } from '@backstage/core-components';
import { PlatformOverview } from '@inference-platform/plugin-inference-common';
import { formatNumber, formatPercent, formatUsd } from '../../format';
import { ClusterStates } from '../ClusterStates';
import { DashboardLinks } from '../DashboardLinks';
import { Figure, FigureRow } from '../Figure';

/**
 * The fleet at a glance: GPU spend and its idle share, workload health, GPUs charged and violations, with the
 * state of every cluster the numbers come from.
 */
export function PlatformTotals(props: { overview: PlatformOverview }) {
  const { spend, workloads, violations, clusters } = props.overview;
  const month = spend.last30d.summary;
  const week = spend.last7d.summary;
  return (
    <InfoCard title="Fleet">
      <ClusterStates clusters={clusters} />
      <FigureRow>
        <Figure
          label="GPU spend, 30 days"
          value={formatUsd(month.costUsd)}
          detail={`${formatUsd(week.costUsd)} in the last 7 days`}
        />
        <Figure
          label="Idle spend, 30 days"
          value={formatPercent(month.idlePercent)}
          detail={`${formatUsd(month.idleCostUsd)} on idle GPUs`}
          tone={month.idlePercent > 33 ? 'warning' : undefined}
        />
        <Figure
          label="GPU-hours, 30 days"
          value={formatNumber(month.gpuHours)}
        />
        <Figure
          label="Per million tokens"
          value={formatUsd(month.costPerMillionTokensUsd)}
        />
        <Figure
          label="Workloads"
          value={workloads.total}
          detail={`${workloads.healthy} healthy, ${workloads.warning} warning, ${workloads.critical} critical`}
          tone={workloads.critical > 0 ? 'error' : undefined}
        />
        <Figure
          label="GPUs charged"
          value={workloads.gpusCharged}
          detail="at autoscaler ceiling"
        />
        <Figure
          label="Policy violations"
          value={violations.length}
          tone={violations.length > 0 ? 'warning' : 'ok'}
        />
      </FigureRow>
      <DashboardLinks />
    </InfoCard>
  );
}
