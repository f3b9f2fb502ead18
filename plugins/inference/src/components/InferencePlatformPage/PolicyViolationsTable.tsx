import { Table, TableColumn } from '@backstage/core-components';
import { PolicyViolation } from '@inference-platform/plugin-inference-common';
import { shortRef } from '../../format';
import { NO_WRAP, TABLE_OPTIONS } from './tableOptions';

/** The rules in words, as the platform team would name them. */
export const VIOLATION_NAMES: Record<PolicyViolation['kind'], string> = {
  'over-quota': 'Over quota',
  'tag-only-image': 'Unpinned image',
  'unowned-workload': 'No owner',
  'no-autoscaler-ceiling': 'Missing autoscaler',
  'driver-incompatible': 'CUDA driver too old',
};

interface ViolationRow {
  id: string;
  rule: string;
  team: string;
  workload: string;
  message: string;
}

const columns: TableColumn<ViolationRow>[] = [
  { title: 'Rule', field: 'rule', cellStyle: NO_WRAP, defaultSort: 'asc' },
  { title: 'Team', field: 'team', cellStyle: NO_WRAP },
  { title: 'Workload', field: 'workload' },
  {
    title: 'What is wrong',
    field: 'message',
    cellStyle: { minWidth: 400, whiteSpace: 'normal' },
  },
];

/** Policy violations: unpinned images, teams over quota, workloads without autoscaler or owner. */
export function PolicyViolationsTable(props: {
  violations: PolicyViolation[];
}) {
  const data: ViolationRow[] = props.violations.map((v, index) => ({
    id: `${v.kind}-${v.workloadId ?? v.owner ?? index}`,
    rule: VIOLATION_NAMES[v.kind] ?? v.kind,
    team: shortRef(v.owner),
    workload: v.workloadId ?? '–',
    message: v.message,
  }));
  return (
    <Table<ViolationRow>
      title="Policy violations"
      options={TABLE_OPTIONS}
      filters={[
        { column: 'Rule', type: 'multiple-select' },
        { column: 'Team', type: 'multiple-select' },
      ]}
      columns={columns}
      data={data}
      emptyContent="No violations: every image is pinned, every team within quota, every workload autoscaled."
    />
  );
}
