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
import { HeadroomActions, verdictSentence } from './HeadroomActions';

/** The verdict in a few words, e.g. `Quota-bound at 10× load`, `Blocked today: 1 of 2 replicas cannot run`. */
export function verdictTitle(verdict: HeadroomVerdict): string {
  const load = `${formatNumber(verdict.loadMultiplier)}× load`;
  switch (verdict.verdict) {
    case 'ready':
      return `Ready for ${load}`;
    case 'quota-bound':
      return `Quota-bound at ${load}`;
    case 'blocked':
      return `Blocked today: ${
        verdict.today.desiredReplicas - verdict.today.scheduledReplicas
      } of ${verdict.today.desiredReplicas} replicas cannot run`;
    case 'failing':
      return `No ${formatNumber(verdict.loadMultiplier)}× verdict: not serving`;
    default:
      return `Capacity-bound at ${load}`;
  }
}

/** The verdict as a status line: green when ready, amber when quota binds, red otherwise. */
export function VerdictStatus(props: { verdict: HeadroomVerdict }) {
  const text = <strong>{verdictTitle(props.verdict)}</strong>;
  if (props.verdict.verdict === 'ready') return <StatusOK>{text}</StatusOK>;
  if (props.verdict.verdict === 'quota-bound')
    return <StatusWarning>{text}</StatusWarning>;
  return <StatusError>{text}</StatusError>;
}

/** GPUs a verdict is short by: today's when it is blocked, else the binding shortfall at k× load. */
export function verdictShortfall(verdict: HeadroomVerdict): number | undefined {
  if (verdict.verdict === 'failing') return undefined;
  if (verdict.verdict === 'blocked')
    return Math.max(
      verdict.today.capacityShortfallGpus,
      verdict.today.namespaceQuotaShortfallGpus,
    );
  return Math.max(
    verdict.capacityShortfallGpus,
    verdict.quotaShortfallGpus,
    verdict.namespaceQuotaShortfallGpus,
  );
}

/** Whether the replicas run today and what they lack, for a blocked verdict. */
function TodayFigures(props: { verdict: HeadroomVerdict }) {
  const { today } = props.verdict;
  const waiting = [
    today.pendingReplicas > 0 ? `${today.pendingReplicas} Pending` : '',
    today.missingReplicas > 0 ? `${today.missingReplicas} not created` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <FigureRow>
      <Figure
        label="Replicas running"
        value={`${formatNumber(today.scheduledReplicas)} of ${formatNumber(
          today.desiredReplicas,
        )}`}
        detail={waiting || undefined}
        tone="error"
      />
      <Figure
        label="Short today"
        value={`${formatNumber(verdictShortfall(props.verdict))} GPUs`}
        detail={`capacity ${formatNumber(
          today.capacityShortfallGpus,
        )}, namespace quota ${formatNumber(today.namespaceQuotaShortfallGpus)}`}
        tone="error"
      />
    </FigureRow>
  );
}

/**
 * Could the service take k× its load: the verdict, the sentence behind it, every number it rests on and what to
 * do. A service that cannot run its replicas today says so first; a crash-looping one gets no k× numbers.
 */
export function HeadroomVerdictPanel(props: { verdict: HeadroomVerdict }) {
  const { verdict } = props;
  const currentLoad = verdict.targetLoad / verdict.loadMultiplier;
  const quotaShort = Math.max(
    verdict.quotaShortfallGpus,
    verdict.namespaceQuotaShortfallGpus,
  );
  return (
    <Box data-testid="headroom-verdict">
      <Typography variant="h6" component="div">
        <VerdictStatus verdict={verdict} />
      </Typography>
      <Typography variant="body2">{verdictSentence(verdict)}</Typography>
      {verdict.verdict === 'blocked' && <TodayFigures verdict={verdict} />}
      {verdict.verdict !== 'failing' && verdict.loadUnit === 'replicas' && (
        <Typography variant="caption" color="textSecondary" component="div">
          No load metrics yet: the current replicas are taken as fully used.
        </Typography>
      )}
      {verdict.verdict !== 'failing' && (
        <FigureRow>
          <Figure
            label="Target load"
            value={`${formatNumber(verdict.targetLoad)} ${verdict.loadUnit}`}
            detail={`now ${formatNumber(currentLoad)}`}
          />
          <Figure
            label="Replicas needed"
            value={formatNumber(verdict.replicasNeeded)}
            detail={`${formatNumber(
              verdict.additionalReplicas,
            )} more than running`}
          />
          <Figure
            label="GPUs needed"
            value={formatNumber(verdict.gpusNeeded)}
            detail={`${formatNumber(verdict.additionalGpus)} more than held`}
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
            )} GPUs need quota${
              verdict.namespaceQuotaHeadroomGpus === undefined
                ? ''
                : `; namespace ${formatNumber(
                    verdict.namespaceQuotaHeadroomGpus,
                  )}`
            }`}
            tone={quotaShort > 0 ? 'error' : 'ok'}
          />
          {verdict.verdict !== 'blocked' &&
            (verdict.capacityShortfallGpus > 0 || quotaShort > 0) && (
              <Figure
                label="Short by"
                value={`${formatNumber(verdictShortfall(verdict))} GPUs`}
                detail={`capacity ${formatNumber(
                  verdict.capacityShortfallGpus,
                )}, quota ${formatNumber(quotaShort)}`}
                tone="error"
              />
            )}
        </FigureRow>
      )}
      <HeadroomActions verdict={verdict} />
    </Box>
  );
}
