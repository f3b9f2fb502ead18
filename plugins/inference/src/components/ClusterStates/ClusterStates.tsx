import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { ClusterStatus } from '@inference-platform/plugin-inference-common';
import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { formatAge } from '../../format';

/** True when what the backend knows about the cluster may be out of date. */
export function isOutdated(cluster: Pick<ClusterStatus, 'state'>): boolean {
  return cluster.state === 'stale' || cluster.state === 'unreachable';
}

function StateIcon(props: { cluster: ClusterStatus; children: string }) {
  switch (props.cluster.state) {
    case 'synced':
      return <StatusOK>{props.children}</StatusOK>;
    case 'syncing':
      return <StatusPending>{props.children}</StatusPending>;
    case 'stale':
    case 'degraded':
      return <StatusWarning>{props.children}</StatusWarning>;
    default:
      return <StatusError>{props.children}</StatusError>;
  }
}

/** Describes a cluster's state in words, including since when its data is old or what its figures leave out. */
export function clusterStateText(cluster: ClusterStatus): string {
  if (cluster.state === 'degraded' && cluster.degradedReason)
    return `${cluster.name}: degraded, ${cluster.degradedReason}`;
  if (!isOutdated(cluster)) return `${cluster.name}: ${cluster.state}`;
  return `${cluster.name}: ${cluster.state}, last synced ${formatAge(
    cluster.lastSyncedAt,
  )}`;
}

/**
 * The watch state of each cluster a page's data comes from. Stale and unreachable clusters are spelled out with
 * their last sync and error, so old numbers are never mistaken for current ones; degraded ones with what their
 * figures leave out.
 */
export function ClusterStates(props: { clusters: ClusterStatus[] }) {
  if (props.clusters.length === 0) return null;
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={1}>
      {props.clusters.map(cluster => (
        <Tooltip
          key={cluster.name}
          title={
            cluster.lastError ??
            `${cluster.workloads} workloads, ${cluster.gpuNodes} GPU nodes`
          }
        >
          <Box>
            <StateIcon cluster={cluster}>{clusterStateText(cluster)}</StateIcon>
            {isOutdated(cluster) && cluster.lastError && (
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {cluster.lastError}
              </Typography>
            )}
          </Box>
        </Tooltip>
      ))}
    </Box>
  );
}
