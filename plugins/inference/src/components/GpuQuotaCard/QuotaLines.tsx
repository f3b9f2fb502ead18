import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  InferenceWorkload,
  QuotaStanding,
} from '@inference-platform/plugin-inference-common';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import { HeadCell } from '../HeadCell';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import EditIcon from '@material-ui/icons/Edit';
import { Fragment } from 'react';

/** Why a limit promises GPUs that do not exist, e.g. `limit above the 8 GPUs of this type in gpu-batch`. */
export function capacityNote(exceeds: {
  capacity: number;
  clusters: string[];
}): string {
  return `limit above the ${exceeds.capacity} GPUs of this type in ${
    exceeds.clusters.join(', ') || 'no cluster the team may use'
  }`;
}

/** How a workload's charge comes about, e.g. `4 GPUs × max 4 replicas`. */
function chargeBasis(workload: InferenceWorkload | undefined): string {
  if (!workload) return '';
  const replicas = workload.autoscaler
    ? `max ${Math.max(
        workload.autoscaler.maxReplicas,
        workload.replicas.desired,
      )} replicas`
    : `${workload.replicas.desired} replicas, no autoscaler`;
  return `${workload.gpusPerReplica} GPU${
    workload.gpusPerReplica === 1 ? '' : 's'
  } × ${replicas}`;
}

function UseBar(props: { standing: QuotaStanding }) {
  const { limit, used, reserved } = props.standing;
  if (!limit) return null;
  const share = Math.min(100, ((used + reserved) / limit) * 100);
  return (
    <LinearProgress
      variant="determinate"
      value={share}
      color={props.standing.overLimit ? 'secondary' : 'primary'}
      aria-label={`${Math.round(share)}% of the limit`}
    />
  );
}

function ServiceBreakdown(props: {
  standing: QuotaStanding;
  workloads: InferenceWorkload[];
}) {
  return (
    <Box pl={2} pb={1}>
      {props.standing.workloads.map(charge => {
        const workload = props.workloads.find(w => w.id === charge.id);
        return (
          <Typography variant="body2" key={charge.id} component="div">
            {workload?.entityRef ? (
              <EntityRefLink
                entityRef={workload.entityRef}
                defaultKind="component"
              />
            ) : (
              charge.id
            )}
            : {charge.charge} GPUs{' '}
            <Typography
              variant="caption"
              color="textSecondary"
              component="span"
            >
              {chargeBasis(workload)}
            </Typography>
          </Typography>
        );
      })}
    </Box>
  );
}

/**
 * Quota lines of a team, one per GPU type: limit, used (charged at autoscaler ceiling), reserved and free, with
 * the services the GPUs are charged to.
 */
export function QuotaLines(props: {
  standings: QuotaStanding[];
  workloads: InferenceWorkload[];
  onEdit?: (standing: QuotaStanding) => void;
}) {
  return (
    <Table size="small" aria-label="GPU quota">
      <TableHead>
        <TableRow>
          <HeadCell>GPU type</HeadCell>
          <HeadCell align="right">Limit</HeadCell>
          <HeadCell align="right">
            <Tooltip title="GPUs per replica × the autoscaler's maxReplicas, so scaling up never exceeds the quota">
              <span>Used</span>
            </Tooltip>
          </HeadCell>
          <HeadCell align="right">Reserved</HeadCell>
          <HeadCell align="right">Free</HeadCell>
          <HeadCell style={{ width: '20%' }} />
          {props.onEdit && <HeadCell />}
        </TableRow>
      </TableHead>
      <TableBody>
        {props.standings.map(standing => (
          <Fragment key={standing.gpuType}>
            <TableRow data-testid={`quota-${standing.gpuType}`}>
              <TableCell>
                {standing.gpuType}
                {standing.overLimit && (
                  <Typography variant="caption" color="error" component="div">
                    over its limit
                  </Typography>
                )}
                {standing.exceedsCapacity && (
                  <Typography variant="caption" color="error" component="div">
                    {capacityNote(standing.exceedsCapacity)}
                  </Typography>
                )}
              </TableCell>
              <TableCell align="right">{standing.limit ?? 'none'}</TableCell>
              <TableCell align="right">{standing.used}</TableCell>
              <TableCell align="right">{standing.reserved}</TableCell>
              <TableCell align="right">{standing.headroom ?? '–'}</TableCell>
              <TableCell>
                <UseBar standing={standing} />
              </TableCell>
              {props.onEdit && (
                <TableCell padding="none">
                  <IconButton
                    size="small"
                    aria-label={`Edit the ${standing.gpuType} limit`}
                    onClick={() => props.onEdit!(standing)}
                  >
                    <EditIcon fontSize="small" />
                  </IconButton>
                </TableCell>
              )}
            </TableRow>
            {standing.workloads.length > 0 && (
              <TableRow>
                <TableCell colSpan={props.onEdit ? 7 : 6}>
                  <ServiceBreakdown
                    standing={standing}
                    workloads={props.workloads}
                  />
                </TableCell>
              </TableRow>
            )}
          </Fragment>
        ))}
      </TableBody>
    </Table>
  );
}
