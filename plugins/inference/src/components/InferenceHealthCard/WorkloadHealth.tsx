import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import {
  ClusterStatus,
  InferenceWorkload,
} from '@inference-platform/plugin-inference-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { formatAge } from '../../format';
import { isOutdated } from '../ClusterStates';
import { DashboardLinks } from '../DashboardLinks';
import { FindingList } from './FindingList';
import { PodTable } from './PodTable';
import { ServingMetricsFigures, ServingSlos } from './ServingMetricsFigures';

function ReplicaStatus(props: { workload: InferenceWorkload }) {
  const { ready, desired } = props.workload.replicas;
  const text = `${ready}/${desired} replicas ready`;
  if (desired > 0 && ready === 0) return <StatusError>{text}</StatusError>;
  if (ready < desired) return <StatusWarning>{text}</StatusWarning>;
  return <StatusOK>{text}</StatusOK>;
}

function shape(workload: InferenceWorkload): string {
  const parts = [
    workload.gpuType
      ? `${workload.gpusPerReplica}× ${workload.gpuType} per replica`
      : 'no GPU',
  ];
  if (workload.autoscaler) {
    parts.push(
      `${workload.autoscaler.kind} ${workload.autoscaler.minReplicas ?? '?'}–${
        workload.autoscaler.maxReplicas
      } replicas`,
    );
  } else {
    parts.push('no autoscaler');
  }
  if (workload.runtime) parts.push(workload.runtime);
  if (workload.model) parts.push(workload.model);
  return parts.join(' · ');
}

/** Health of one workload in one cluster: replicas, findings, pods, serving metrics and dashboard links. */
export function WorkloadHealth(props: {
  workload: InferenceWorkload;
  cluster?: ClusterStatus;
  slos: ServingSlos;
}) {
  const { workload, cluster, slos } = props;
  return (
    <Box mb={3} data-testid={`workload-${workload.id}`}>
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="baseline"
        style={{ gap: 16 }}
      >
        <Typography variant="subtitle1">
          <strong>{workload.name}</strong> in {workload.cluster}/
          {workload.namespace}
        </Typography>
        <ReplicaStatus workload={workload} />
      </Box>
      <Typography variant="caption" color="textSecondary" component="div">
        {shape(workload)}
      </Typography>
      {cluster && isOutdated(cluster) && (
        <StatusWarning>
          Cluster {cluster.name} is {cluster.state}: this is what it looked like{' '}
          {formatAge(cluster.lastSyncedAt)}.
        </StatusWarning>
      )}
      {workload.findings.length > 0 && (
        <Box mt={1}>
          <FindingList findings={workload.findings} />
        </Box>
      )}
      <ServingMetricsFigures metrics={workload.metrics} slos={slos} />
      <PodTable pods={workload.pods} />
      <Box mt={1}>
        <DashboardLinks
          target={{
            cluster: workload.cluster,
            namespace: workload.namespace,
            workload: workload.name,
          }}
        />
      </Box>
    </Box>
  );
}
