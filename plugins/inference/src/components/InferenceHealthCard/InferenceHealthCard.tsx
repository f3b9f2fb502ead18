import { Entity } from '@backstage/catalog-model';
import { EmptyState, InfoCard } from '@backstage/core-components';
import { useEffect } from 'react';
import {
  EntityInferenceSummary,
  INFERENCE_ANNOTATIONS,
  KUBERNETES_ID_ANNOTATION,
} from '@inference-platform/plugin-inference-common';
import { formatSeconds } from '../../format';
import { useEntityInferenceSummary } from '../../hooks';
import { CardStates } from '../CardStates';
import { ClusterStates, isOutdated } from '../ClusterStates';
import { ServingSlos } from './ServingMetricsFigures';
import { WorkloadHealth } from './WorkloadHealth';

/** How soon a card of a service still linking asks again. */
const LINKING_RETRY_MS = 3_000;

function slosOf(entity: Entity): ServingSlos {
  const ttftMs = Number(
    entity.metadata.annotations?.[INFERENCE_ANNOTATIONS.sloTtftP95Ms],
  );
  return { ttftP95Seconds: ttftMs > 0 ? ttftMs / 1000 : undefined };
}

/** Workloads whose TTFT p95 is above the service's objective. */
function ttftBreaches(summary: EntityInferenceSummary, slos: ServingSlos) {
  const slo = slos.ttftP95Seconds;
  if (!slo) return [];
  return summary.workloads.filter(w => (w.metrics?.ttftP95Seconds ?? 0) > slo);
}

/** One line under the title that answers "is it healthy, and if not, why". */
export function healthHeadline(
  summary: EntityInferenceSummary,
  slos: ServingSlos = {},
): string {
  const [worst] = summary.findings;
  const outdated = summary.clusters.filter(isOutdated);
  const staleNote = outdated.length
    ? ` (data of ${outdated.map(c => c.name).join(', ')} may be outdated)`
    : '';
  if (worst) {
    const more = summary.findings.length - 1;
    return `${worst.severity === 'critical' ? 'Critical' : 'Warning'}: ${
      worst.title
    }${
      more > 0 ? ` and ${more} more finding${more > 1 ? 's' : ''}` : ''
    }${staleNote}`;
  }
  const [slow] = ttftBreaches(summary, slos);
  if (slow) {
    return `SLO breached: TTFT p95 ${formatSeconds(
      slow.metrics?.ttftP95Seconds,
    )} against ${formatSeconds(slos.ttftP95Seconds)}${staleNote}`;
  }
  const n = summary.workloads.length;
  // nothing runs: say so and where the backend looked, never "Healthy: 0 workloads"
  if (n === 0 && summary.nothingRunning) return summary.nothingRunning.message;
  return `Healthy: ${n} workload${n === 1 ? '' : 's'}, no findings${staleNote}`;
}

/**
 * Is the model service healthy, and if not, why: per cluster and workload its replicas and pods, the diagnosed
 * findings with evidence and fix, and live serving metrics against the service's SLO.
 *
 * @public
 */
export function InferenceHealthCard() {
  const { entity, ...state } = useEntityInferenceSummary();
  const slos = slosOf(entity);
  const kubernetesId =
    entity.metadata.annotations?.[KUBERNETES_ID_ANNOTATION] ??
    entity.metadata.name;
  const linking = state.value?.nothingRunning?.state === 'linking';
  const { retry } = state;
  useEffect(() => {
    // a service registered moments ago: ask again until its workload is linked
    if (!linking) return undefined;
    const timer = setTimeout(retry, LINKING_RETRY_MS);
    return () => clearTimeout(timer);
  }, [linking, retry, state.value]);
  return (
    <InfoCard
      title="Inference health"
      subheader={state.value ? healthHeadline(state.value, slos) : undefined}
      variant="gridItem"
    >
      <CardStates
        {...state}
        empty={summary =>
          summary.workloads.length === 0 &&
          (summary.nothingRunning?.state === 'linking' ? (
            <EmptyState
              missing="data"
              title="Linking…"
              description="This service is new: the card fills in by itself as soon as its workload is seen."
            />
          ) : (
            <EmptyState
              missing="data"
              title={
                summary.nothingRunning
                  ? 'Nothing is running'
                  : 'No model-serving workloads found'
              }
              description={`Label the Deployment (or InferenceService) and its pod template with backstage.io/kubernetes-id: ${kubernetesId} in a cluster the inference backend tracks. The Kubernetes tab uses the same label.`}
            />
          ))
        }
      >
        {summary => (
          <>
            <ClusterStates clusters={summary.clusters} />
            {summary.workloads.map(workload => (
              <WorkloadHealth
                key={workload.id}
                workload={workload}
                cluster={summary.clusters.find(
                  c => c.name === workload.cluster,
                )}
                slos={slos}
              />
            ))}
          </>
        )}
      </CardStates>
    </InfoCard>
  );
}
