import { Entity } from '@backstage/catalog-model';
import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityInferenceSummary } from '@inference-platform/plugin-inference-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { inferenceApiRef } from '../../api';
import { useEntityInferenceSummary } from '../../hooks';
import { CardStates, RetryableError } from '../CardStates';
import { ClusterStates } from '../ClusterStates';
import { HeadroomVerdictPanel, verdictTitle } from './HeadroomVerdictPanel';
import { PoolCapacityTable, PoolFilter } from './PoolCapacityTable';
import { ServiceVerdictsTable } from './ServiceVerdictsTable';

function isComponent(entity: Entity) {
  return entity.kind.toLocaleLowerCase('en-US') === 'component';
}

/** A component shows its own GPU type in its clusters; a cluster resource all its pools; a system its types. */
function poolFilterOf(
  entity: Entity,
  summary: EntityInferenceSummary,
): PoolFilter {
  const clusters = [
    ...new Set([
      ...summary.workloads.map(w => w.cluster),
      ...summary.clusters.map(c => c.name),
    ]),
  ];
  if (entity.kind.toLocaleLowerCase('en-US') === 'resource')
    return { clusters };
  const gpuTypes = summary.workloads.map(w => w.gpuType ?? '');
  return { clusters, gpuTypes: [...new Set(gpuTypes.filter(Boolean))] };
}

function serviceRefs(summary: EntityInferenceSummary): string[] {
  return [
    ...new Set(
      summary.workloads.flatMap(w => (w.entityRef ? [w.entityRef] : [])),
    ),
  ].sort();
}

function CapacityContent(props: {
  entity: Entity;
  summary: EntityInferenceSummary;
}) {
  const { entity, summary } = props;
  const api = useApi(inferenceApiRef);
  const clusters = useAsyncRetry(() => api.listClusters(), [api]);
  const filter = poolFilterOf(entity, summary);
  return (
    <>
      {summary.capacity && <HeadroomVerdictPanel verdict={summary.capacity} />}
      {!isComponent(entity) && (
        <ServiceVerdictsTable entityRefs={serviceRefs(summary)} />
      )}
      <Box mt={2}>
        <Typography variant="subtitle2">
          GPUs by cluster and pool
          {filter.gpuTypes ? ` (${filter.gpuTypes.join(', ')})` : ''}
        </Typography>
        <ClusterStates clusters={summary.clusters} />
        {clusters.loading && !clusters.value && <Progress />}
        {clusters.error && !clusters.loading && (
          <RetryableError error={clusters.error} onRetry={clusters.retry} />
        )}
        {clusters.value && (
          <PoolCapacityTable clusters={clusters.value} filter={filter} />
        )}
      </Box>
    </>
  );
}

/**
 * Could it take 10× the traffic tomorrow: the verdict (ready, quota-bound or capacity-bound) with the numbers
 * behind it, and free and allocated GPUs by cluster, pool and GPU type.
 *
 * @public
 */
export function GpuCapacityCard() {
  const { entity, ...state } = useEntityInferenceSummary();
  return (
    <InfoCard
      title="GPU capacity"
      subheader={
        state.value?.capacity ? verdictTitle(state.value.capacity) : undefined
      }
      variant="gridItem"
    >
      <CardStates
        {...state}
        empty={summary => {
          const nothing = isComponent(entity)
            ? !summary.capacity
            : summary.workloads.length === 0 && summary.clusters.length === 0;
          return (
            nothing && (
              <EmptyState
                missing="data"
                title="No GPU workloads to assess"
                description={
                  entity.kind.toLocaleLowerCase('en-US') === 'resource'
                    ? 'Name the clusters this resource stands for in the annotation inference-platform.io/clusters (comma separated), as the inference backend knows them.'
                    : 'The verdict needs a workload that requests GPUs (nvidia.com/gpu) and is labelled backstage.io/kubernetes-id for this entity.'
                }
              />
            )
          );
        }}
      >
        {summary => <CapacityContent entity={entity} summary={summary} />}
      </CardStates>
    </InfoCard>
  );
}
