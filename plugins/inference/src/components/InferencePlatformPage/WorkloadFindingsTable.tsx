import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { InferenceWorkload } from '@inference-platform/plugin-inference-common';
import Typography from '@material-ui/core/Typography';
import { shortRef } from '../../format';
import { NO_WRAP, TABLE_OPTIONS } from './tableOptions';

interface FindingRow {
  id: string;
  workload: string;
  entityRef?: string;
  team: string;
  cluster: string;
  health: 'critical' | 'warning' | 'info';
  replicas: string;
  findings: string;
  fix: string;
}

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 };

const columns: TableColumn<FindingRow>[] = [
  {
    title: 'Service',
    field: 'workload',
    cellStyle: NO_WRAP,
    render: row =>
      row.entityRef ? (
        <EntityRefLink entityRef={row.entityRef} defaultKind="component" />
      ) : (
        row.workload
      ),
  },
  { title: 'Team', field: 'team', cellStyle: NO_WRAP },
  { title: 'Cluster', field: 'cluster', cellStyle: NO_WRAP },
  {
    title: 'Health',
    field: 'health',
    defaultSort: 'asc',
    customSort: (a, b) => SEVERITY_ORDER[a.health] - SEVERITY_ORDER[b.health],
  },
  { title: 'Ready', field: 'replicas' },
  {
    title: 'Findings and fix',
    field: 'findings',
    cellStyle: { minWidth: 420, whiteSpace: 'normal' },
    render: row => (
      <>
        <Typography variant="body2">
          <strong>{row.findings}</strong>
        </Typography>
        <Typography variant="caption" color="textSecondary">
          {row.fix}
        </Typography>
      </>
    ),
  },
];

/** Workloads that have findings, worst first, with the fix of their most severe one. */
export function WorkloadFindingsTable(props: {
  workloads: InferenceWorkload[];
}) {
  const data: FindingRow[] = props.workloads
    .filter(w => w.findings.length > 0)
    .map(w => {
      const worst = [...w.findings].sort(
        (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
      )[0];
      return {
        id: w.id,
        workload: w.entityRef ? shortRef(w.entityRef) : w.id,
        entityRef: w.entityRef,
        team: shortRef(w.owner),
        cluster: w.cluster,
        health: worst.severity,
        replicas: `${w.replicas.ready}/${w.replicas.desired}`,
        findings: w.findings.map(f => f.title).join(', '),
        fix: worst.fix,
      };
    });
  return (
    <Table<FindingRow>
      title="Workloads with findings"
      options={TABLE_OPTIONS}
      filters={[
        { column: 'Team', type: 'multiple-select' },
        { column: 'Cluster', type: 'multiple-select' },
        { column: 'Health', type: 'select' },
      ]}
      columns={columns}
      data={data}
      emptyContent="No workload has a finding."
    />
  );
}
