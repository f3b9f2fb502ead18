import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { QuotaStanding } from '@inference-platform/plugin-inference-common';
import { formatPercent, shortRef } from '../../format';
import { NO_WRAP, TABLE_OPTIONS } from './tableOptions';

interface QuotaRow {
  id: string;
  owner: string;
  team: string;
  gpuType: string;
  limit?: number;
  used: number;
  reserved: number;
  free?: number;
  usePercent?: number;
  overLimit: boolean;
}

const columns: TableColumn<QuotaRow>[] = [
  {
    title: 'Team',
    field: 'team',
    cellStyle: NO_WRAP,
    render: row => <EntityRefLink entityRef={row.owner} defaultKind="group" />,
  },
  { title: 'GPU type', field: 'gpuType', cellStyle: NO_WRAP },
  { title: 'Limit', field: 'limit', type: 'numeric', emptyValue: 'none' },
  { title: 'Used', field: 'used', type: 'numeric' },
  { title: 'Reserved', field: 'reserved', type: 'numeric' },
  { title: 'Free', field: 'free', type: 'numeric', emptyValue: '–' },
  {
    title: 'Use',
    field: 'usePercent',
    type: 'numeric',
    defaultSort: 'desc',
    render: row =>
      row.usePercent === undefined
        ? 'no limit'
        : `${formatPercent(row.usePercent)}${row.overLimit ? ' (over)' : ''}`,
  },
];

/** Quota use per team and GPU type; used is charged at autoscaler ceiling. Sortable, searchable, filterable. */
export function QuotaUseTable(props: { quotas: QuotaStanding[] }) {
  const data: QuotaRow[] = props.quotas.map(q => ({
    id: `${q.owner}|${q.gpuType}`,
    owner: q.owner,
    team: shortRef(q.owner),
    gpuType: q.gpuType,
    limit: q.limit,
    used: q.used,
    reserved: q.reserved,
    free: q.headroom,
    usePercent: q.limit ? ((q.used + q.reserved) / q.limit) * 100 : undefined,
    overLimit: q.overLimit,
  }));
  return (
    <Table<QuotaRow>
      title="Quota use by team and GPU type"
      options={TABLE_OPTIONS}
      filters={[
        { column: 'Team', type: 'multiple-select' },
        { column: 'GPU type', type: 'multiple-select' },
      ]}
      columns={columns}
      data={data}
      emptyContent="No quotas are set. Add them in app-config (inference.quotas) or on a team's page."
    />
  );
}
