import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { IdleSpender } from '@inference-platform/plugin-inference-common';
import { formatPercent, formatUsd, shortRef } from '../../format';
import { TABLE_OPTIONS } from './tableOptions';

interface SpenderRow extends IdleSpender {
  id: string;
  name: string;
}

function columns(kind: 'group' | 'component'): TableColumn<SpenderRow>[] {
  return [
    {
      title: kind === 'group' ? 'Team' : 'Service',
      field: 'name',
      render: row =>
        /^[a-z]+:/.test(row.ref) ? (
          <EntityRefLink entityRef={row.ref} defaultKind={kind} />
        ) : (
          row.ref
        ),
    },
    {
      title: 'Idle spend',
      field: 'idleCostUsd',
      type: 'numeric',
      defaultSort: 'desc',
      render: row => formatUsd(row.idleCostUsd),
    },
    {
      title: 'Idle share',
      field: 'idlePercent',
      type: 'numeric',
      render: row => formatPercent(row.idlePercent),
    },
    {
      title: 'GPU spend',
      field: 'costUsd',
      type: 'numeric',
      render: row => formatUsd(row.costUsd),
    },
  ];
}

/** Who pays for idle GPUs over the last 30 days, largest first. */
export function IdleSpendersTable(props: {
  title: string;
  kind: 'group' | 'component';
  spenders: IdleSpender[];
}) {
  const data: SpenderRow[] = props.spenders.map(s => ({
    ...s,
    id: s.ref,
    name: shortRef(s.ref),
  }));
  return (
    <Table<SpenderRow>
      title={props.title}
      options={TABLE_OPTIONS}
      columns={columns(props.kind)}
      data={data}
      emptyContent="No GPU usage recorded in the last 30 days."
    />
  );
}
