import { parseEntityRef } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import { HeadCell } from '../HeadCell';
import TableRow from '@material-ui/core/TableRow';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { inferenceApiRef } from '../../api';
import { formatNumber } from '../../format';
import { loadEntitySummary } from '../../hooks';
import { RetryableError } from '../CardStates';
import { VerdictStatus, verdictShortfall } from './HeadroomVerdictPanel';

/**
 * The 10× verdict of each service of a system or a cluster (the verdict is per service: its load, GPU type and
 * owner's quota). GPUs short are today's for a service that cannot run its replicas; none for one not serving.
 */
export function ServiceVerdictsTable(props: { entityRefs: string[] }) {
  const api = useApi(inferenceApiRef);
  const key = props.entityRefs.join(',');
  const { loading, error, value, retry } = useAsyncRetry(
    () =>
      Promise.all(
        props.entityRefs.map(async ref => ({
          ref,
          summary: await loadEntitySummary(api, parseEntityRef(ref)),
        })),
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for the refs
    [api, key],
  );
  if (loading && !value) return <Progress />;
  if (error && !loading)
    return <RetryableError error={error} onRetry={retry} />;
  const rows = (value ?? []).filter(row => row.summary.capacity);
  if (rows.length === 0) return null;
  return (
    <Table size="small" aria-label="10x verdict per service">
      <TableHead>
        <TableRow>
          <HeadCell>Service</HeadCell>
          <HeadCell>Verdict</HeadCell>
          <HeadCell align="right">GPUs needed</HeadCell>
          <HeadCell align="right">GPUs short</HeadCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(({ ref, summary }) => {
          const verdict = summary.capacity!;
          return (
            <TableRow key={ref}>
              <TableCell>
                <EntityRefLink entityRef={ref} defaultKind="component" />
              </TableCell>
              <TableCell title={verdict.explanation}>
                <VerdictStatus verdict={verdict} />
              </TableCell>
              <TableCell align="right">
                {verdict.verdict === 'failing'
                  ? '–'
                  : formatNumber(verdict.gpusNeeded)}
              </TableCell>
              <TableCell align="right">
                {formatNumber(verdictShortfall(verdict))}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
