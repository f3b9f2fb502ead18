import { Entity } from '@backstage/catalog-model';
import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { EntityInferenceSummary } from '@inference-platform/plugin-inference-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { formatPercent } from '../../format';
import { useEntityInferenceSummary, useUsageHistory } from '../../hooks';
import { CardStates, RetryableError } from '../CardStates';
import { SpendTrendChart } from '../SpendTrendChart';
import { CostFigures } from './CostFigures';

const WINDOWS = [7, 30] as const;

function emptyText(entity: Entity): string {
  switch (entity.kind.toLocaleLowerCase('en-US')) {
    case 'group':
      return 'This team owns no GPU workloads. Services count for the group in their spec.owner, once they are linked to workloads with backstage.io/kubernetes-id.';
    case 'system':
      return 'No component of this system is linked to a GPU workload. Add backstage.io/kubernetes-id to its components (the label of their workloads).';
    default:
      return 'Label the workload and its pods with backstage.io/kubernetes-id (the value of this annotation) so GPU usage is attributed to this service.';
  }
}

function CostTrend(props: {
  entity: Entity;
  summary: EntityInferenceSummary;
  days: number;
}) {
  const usage = useUsageHistory(props.entity, props.summary, props.days);
  if (usage.loading && !usage.value) return <Progress />;
  if (usage.error && !usage.loading)
    return <RetryableError error={usage.error} onRetry={usage.retry} />;
  if (!usage.value) return null;
  return (
    <SpendTrendChart
      points={usage.value.points}
      granularity={usage.value.granularity}
    />
  );
}

/**
 * What does it cost, and how much of that is idle: spend over 7 or 30 days with a trend, GPU-hours, idle share,
 * cost per million tokens against a hosted API, and which prices are built-in defaults.
 *
 * @public
 */
export function InferenceCostCard() {
  const { entity, ...state } = useEntityInferenceSummary();
  const [days, setDays] = useState<(typeof WINDOWS)[number]>(30);
  const windowOf = (summary: EntityInferenceSummary) =>
    days === 7 ? summary.cost.last7d : summary.cost.last30d;
  return (
    <InfoCard
      title="Inference cost"
      subheader={
        state.value
          ? `${formatPercent(
              windowOf(state.value).summary.idlePercent,
            )} of the GPU spend of the last ${days} days was idle`
          : undefined
      }
      variant="gridItem"
      action={
        <ButtonGroup size="small" aria-label="period">
          {WINDOWS.map(option => (
            <Button
              key={option}
              variant={option === days ? 'contained' : 'outlined'}
              color={option === days ? 'primary' : 'default'}
              onClick={() => setDays(option)}
            >
              {option} days
            </Button>
          ))}
        </ButtonGroup>
      }
    >
      <CardStates
        {...state}
        empty={summary =>
          summary.workloads.length === 0 &&
          summary.cost.last30d.summary.gpuHours === 0 && (
            <EmptyState
              missing="data"
              title="No GPU usage recorded"
              description={emptyText(entity)}
            />
          )
        }
      >
        {summary => (
          <>
            {windowOf(summary).summary.gpuHours === 0 && (
              <Typography variant="body2" color="textSecondary">
                No usage sampled in this period yet: the metrics sampler records
                GPU time on its next run.
              </Typography>
            )}
            <CostFigures window={windowOf(summary)} />
            <Box mt={2}>
              <CostTrend entity={entity} summary={summary} days={days} />
            </Box>
          </>
        )}
      </CardStates>
    </InfoCard>
  );
}
