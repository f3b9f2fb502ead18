import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  inferenceQuotaUpdatePermission,
  QuotaStanding,
} from '@inference-platform/plugin-inference-common';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import EditIcon from '@material-ui/icons/Edit';
import { useState } from 'react';
import { formatPercent, shortRef } from '../../format';
import {
  QuotaEditDialog,
  QuotaEditTarget,
} from '../GpuQuotaCard/QuotaEditDialog';
import { capacityNote } from '../GpuQuotaCard/QuotaLines';
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
  /** Why the limit promises GPUs that do not exist, when it does. */
  capacityNote?: string;
}

const columns: TableColumn<QuotaRow>[] = [
  {
    title: 'Team',
    field: 'team',
    cellStyle: NO_WRAP,
    render: row => <EntityRefLink entityRef={row.owner} defaultKind="group" />,
  },
  { title: 'GPU type', field: 'gpuType', cellStyle: NO_WRAP },
  {
    title: 'Limit',
    field: 'limit',
    type: 'numeric',
    emptyValue: 'none',
    render: row => (
      <>
        {row.limit}
        {row.capacityNote && (
          <Typography variant="caption" color="error" component="div">
            {row.capacityNote}
          </Typography>
        )}
      </>
    ),
  },
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

/**
 * Quota use per team and GPU type; used is charged at autoscaler ceiling; a limit above the fleet's GPUs of its type
 * is flagged. Sortable, searchable, filterable. Holders of `inference.quota.update` can change or remove any line
 * (also one naming no real team or GPU type); `onChanged` reloads the page after.
 */
export function QuotaUseTable(props: {
  quotas: QuotaStanding[];
  onChanged?: () => void;
}) {
  const { allowed: canEdit } = usePermission({
    permission: inferenceQuotaUpdatePermission,
  });
  const [editing, setEditing] = useState<QuotaEditTarget>();
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
    capacityNote: q.exceedsCapacity && capacityNote(q.exceedsCapacity),
  }));
  const editColumn: TableColumn<QuotaRow> = {
    title: '',
    sorting: false,
    render: row => (
      <IconButton
        size="small"
        aria-label={`Edit or remove the ${row.gpuType} line of ${row.owner}`}
        onClick={() =>
          setEditing({
            owner: row.owner,
            gpuType: row.gpuType,
            limit: row.limit,
            used: row.used + row.reserved,
          })
        }
      >
        <EditIcon fontSize="small" />
      </IconButton>
    ),
  };
  return (
    <>
      <Table<QuotaRow>
        title="Quota use by team and GPU type"
        options={TABLE_OPTIONS}
        filters={[
          { column: 'Team', type: 'multiple-select' },
          { column: 'GPU type', type: 'multiple-select' },
        ]}
        columns={canEdit ? [...columns, editColumn] : columns}
        data={data}
        emptyContent="No quotas are set. Add them in app-config (inference.quotas) or on a team's page."
      />
      {editing && (
        <QuotaEditDialog
          target={editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            props.onChanged?.();
          }}
        />
      )}
    </>
  );
}
