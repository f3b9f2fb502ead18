import { Table, TableColumn } from '@backstage/core-components';
import {
  ClusterCapacity,
  ClusterStatus,
} from '@inference-platform/plugin-inference-common';
import { NO_WRAP, TABLE_OPTIONS } from './tableOptions';

interface PoolRow {
  id: string;
  cluster: string;
  state: string;
  /** Objects of the cluster left out of its figures. */
  skipped: number;
  pool: string;
  gpuType: string;
  nodes: number;
  allocatable: number;
  allocated: number;
  free: number;
  growthRoom?: number;
}

function stateText(row: PoolRow): string {
  if (row.state === 'stale' || row.state === 'unreachable')
    return `${row.state} – numbers may be outdated`;
  if (row.state === 'degraded') {
    return row.skipped > 0
      ? `degraded – ${row.skipped} object${
          row.skipped === 1 ? '' : 's'
        } left out`
      : 'degraded – figures from the last derivation that worked';
  }
  return row.state;
}

const columns: TableColumn<PoolRow>[] = [
  { title: 'Cluster', field: 'cluster', cellStyle: NO_WRAP },
  {
    title: 'State',
    field: 'state',
    render: row => stateText(row),
  },
  { title: 'Pool', field: 'pool', cellStyle: NO_WRAP },
  { title: 'GPU type', field: 'gpuType', cellStyle: NO_WRAP },
  { title: 'Nodes', field: 'nodes', type: 'numeric' },
  { title: 'Allocatable', field: 'allocatable', type: 'numeric' },
  { title: 'Allocated', field: 'allocated', type: 'numeric' },
  { title: 'Free', field: 'free', type: 'numeric', defaultSort: 'desc' },
  {
    title: 'Growth',
    field: 'growthRoom',
    type: 'numeric',
    emptyValue: '–',
  },
];

/** GPU capacity per cluster, node pool and GPU type, with each cluster's watch state. */
export function ClusterCapacityTable(props: {
  clusters: ClusterStatus[];
  capacity: ClusterCapacity[];
}) {
  const data: PoolRow[] = props.capacity.flatMap(capacity => {
    const status = props.clusters.find(c => c.name === capacity.cluster);
    return capacity.pools.map(pool => ({
      id: `${capacity.cluster}/${pool.pool}/${pool.gpuType}`,
      cluster: capacity.cluster,
      state: status?.state ?? 'unknown',
      skipped: status?.skippedObjects?.length ?? 0,
      ...pool,
    }));
  });
  return (
    <Table<PoolRow>
      title="Capacity by cluster and pool"
      options={TABLE_OPTIONS}
      filters={[
        { column: 'Cluster', type: 'multiple-select' },
        { column: 'GPU type', type: 'multiple-select' },
      ]}
      columns={columns}
      data={data}
      emptyContent="No GPU nodes seen yet in the tracked clusters."
    />
  );
}
