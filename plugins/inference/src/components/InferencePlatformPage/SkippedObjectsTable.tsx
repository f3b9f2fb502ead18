import { Table, TableColumn } from '@backstage/core-components';
import { ClusterStatus } from '@inference-platform/plugin-inference-common';
import { NO_WRAP, TABLE_OPTIONS } from './tableOptions';

interface SkippedRow {
  id: string;
  cluster: string;
  kind: string;
  object: string;
  reason: string;
}

const columns: TableColumn<SkippedRow>[] = [
  { title: 'Cluster', field: 'cluster', cellStyle: NO_WRAP },
  { title: 'Kind', field: 'kind', cellStyle: NO_WRAP },
  { title: 'Object', field: 'object', cellStyle: NO_WRAP },
  {
    title: 'What is wrong',
    field: 'reason',
    cellStyle: { minWidth: 400, whiteSpace: 'normal' },
  },
];

/**
 * The objects the backend could not read and left out of workloads and capacity, per cluster, with the field at
 * fault: what to fix (or delete) so a degraded cluster's figures are whole again. Nothing while every object is read.
 */
export function SkippedObjectsTable(props: { clusters: ClusterStatus[] }) {
  const data: SkippedRow[] = props.clusters.flatMap(cluster =>
    (cluster.skippedObjects ?? []).map(o => {
      const object = o.namespace ? `${o.namespace}/${o.name}` : o.name;
      return {
        id: `${cluster.name}/${o.kind}/${object}`,
        cluster: cluster.name,
        kind: o.kind,
        object,
        reason: o.reason,
      };
    }),
  );
  if (data.length === 0) return null;
  return (
    <Table<SkippedRow>
      title="Objects left out of the figures"
      subtitle="The backend could not read these objects: fix or delete them to make their clusters' figures whole again"
      options={TABLE_OPTIONS}
      columns={columns}
      data={data}
    />
  );
}
