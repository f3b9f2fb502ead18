import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import { HeadCell } from '../HeadCell';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { ClusterWithCapacity } from '../../api';
import { isOutdated } from '../ClusterStates';

/** Which pools a card shows: of these clusters, and of these GPU types (all types when absent). */
export interface PoolFilter {
  clusters: string[];
  gpuTypes?: string[];
}

/** One row per cluster × pool × GPU type that passes the filter. */
export function poolRows(clusters: ClusterWithCapacity[], filter: PoolFilter) {
  return clusters
    .filter(cluster => filter.clusters.includes(cluster.name))
    .flatMap(cluster =>
      (cluster.capacity?.pools ?? [])
        .filter(
          pool => !filter.gpuTypes || filter.gpuTypes.includes(pool.gpuType),
        )
        .map(pool => ({ cluster, pool })),
    );
}

/**
 * Free and allocated GPUs per cluster, node pool and GPU type, with the room the pool may still grow.
 */
export function PoolCapacityTable(props: {
  clusters: ClusterWithCapacity[];
  filter: PoolFilter;
}) {
  const rows = poolRows(props.clusters, props.filter);
  if (rows.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No GPU node pools of {props.filter.gpuTypes?.join(', ') ?? 'any type'}{' '}
        in {props.filter.clusters.join(', ') || 'the tracked clusters'}.
      </Typography>
    );
  }
  // one GPU type is already named in the heading; a column of it would only crowd the card
  const showTypes = new Set(rows.map(row => row.pool.gpuType)).size > 1;
  return (
    <Table size="small" aria-label="GPU capacity by pool">
      <TableHead>
        <TableRow>
          <HeadCell>Cluster / pool</HeadCell>
          {showTypes && <HeadCell>GPU type</HeadCell>}
          <HeadCell align="right">GPUs</HeadCell>
          <HeadCell align="right">Allocated</HeadCell>
          <HeadCell align="right">Free</HeadCell>
          <HeadCell align="right">
            <Tooltip title="GPUs the node pool may still add (Karpenter NodePool limits)">
              <span>Growth</span>
            </Tooltip>
          </HeadCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(({ cluster, pool }) => (
          <TableRow key={`${cluster.name}/${pool.pool}/${pool.gpuType}`}>
            <TableCell>
              {cluster.name}/{pool.pool}
              {isOutdated(cluster) && ` (${cluster.state})`}
            </TableCell>
            {showTypes && <TableCell>{pool.gpuType}</TableCell>}
            <TableCell align="right">{pool.allocatable}</TableCell>
            <TableCell align="right">{pool.allocated}</TableCell>
            <TableCell align="right">{pool.free}</TableCell>
            <TableCell align="right">{pool.growthRoom ?? '–'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
