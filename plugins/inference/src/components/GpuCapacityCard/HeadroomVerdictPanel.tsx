import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { HeadroomVerdict } from '@inference-platform/plugin-inference-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { formatNumber } from '../../format';
import { Figure, FigureRow } from '../Figure';

/** The verdict in a few words, e.g. `Quota-bound at 10× load`. */
export function verdictTitle(verdict: HeadroomVerdict): string {
  const load = `${formatNumber(verdict.loadMultiplier)}× load`;
  switch (verdict.verdict) {
    case 'ready':
      return `Ready for ${load}`;
    case 'quota-bound':
      return `Quota-bound at ${load}`;
    default:
      return `Capacity-bound at ${load}`;
  }
}

/** The verdict as a status line: green when ready, red when something binds. */
export function VerdictStatus(props: { verdict: HeadroomVerdict }) {
  const text = <strong>{verdictTitle(props.verdict)}</strong>;
  if (props.verdict.verdict === 'ready') return <StatusOK>{text}</StatusOK>;
  if (props.verdict.verdict === 'quota-bound')
    return <StatusWarning>{text}</StatusWarning>;
  return <StatusError>{text}</StatusError>;
}

/**
 * Could the service take k× its load: the verdict, the sentence behind it, and every number it rests on.
 */
export function HeadroomVerdictPanel(props: { verdict: HeadroomVerdict }) {
  const { verdict } = props;
  const currentLoad = verdict.targetLoad / verdict.loadMultiplier;
  return (
    <Box data-testid="headroom-verdict">
      <Typography variant="h6" component="div">
        <VerdictStatus verdict={verdict} />
      </Typography>
      <Typography variant="body2">{verdict.explanation}</Typography>
      {verdict.loadUnit === 'replicas' && (
        <Typography variant="caption" color="textSecondary" component="div">
          No load metrics yet: the current replicas are taken as fully used.
        </Typography>
      )}
      <FigureRow>
        <Figure
          label="Target load"
          value={`${formatNumber(verdict.targetLoad)} ${verdict.loadUnit}`}
          detail={`now ${formatNumber(currentLoad)}`}
        />
        <Figure
          label="Replicas needed"
          value={formatNumber(verdict.replicasNeeded)}
          detail={`${formatNumber(verdict.additionalReplicas)} more than now`}
        />
        <Figure
          label="GPUs needed"
          value={formatNumber(verdict.gpusNeeded)}
          detail={`${formatNumber(verdict.additionalGpus)} more than now`}
        />
        <Figure
          label="GPUs available"
          value={formatNumber(verdict.capacityGpus)}
          detail={`${formatNumber(verdict.freeGpus)} free + ${formatNumber(
            verdict.growthRoomGpus,
          )} pool growth`}
          tone={verdict.capacityShortfallGpus > 0 ? 'error' : 'ok'}
        />
        <Figure
          label="Quota headroom"
          value={
            verdict.quotaHeadroomGpus === undefined
              ? 'no quota'
              : formatNumber(verdict.quotaHeadroomGpus)
          }
          detail={`${formatNumber(
            verdict.additionalQuotaGpus,
          )} GPUs need quota`}
          tone={verdict.quotaShortfallGpus > 0 ? 'error' : 'ok'}
        />
        {(verdict.capacityShortfallGpus > 0 ||
          verdict.quotaShortfallGpus > 0) && (
          <Figure
            label="Short by"
            value={`${formatNumber(
              Math.max(
                verdict.capacityShortfallGpus,
                verdict.quotaShortfallGpus,
              ),
            )} GPUs`}
            detail={`capacity ${formatNumber(
              verdict.capacityShortfallGpus,
            )}, quota ${formatNumber(verdict.quotaShortfallGpus)}`}
            tone="error"
          />
        )}
      </FigureRow>
    </Box>
  );
}
