import { ServingMetrics } from '@inference-platform/plugin-inference-common';
import Typography from '@material-ui/core/Typography';
import {
  formatAge,
  formatNumber,
  formatSeconds,
  formatShare,
} from '../../format';
import { Figure, FigureRow } from '../Figure';

/** KV-cache usage at which diagnosis calls the cache saturated (its default threshold). */
const KV_CACHE_BUSY = 0.9;

/** Service-level objectives of a service, from its catalog annotations. */
export interface ServingSlos {
  ttftP95Seconds?: number;
}

function ttftTone(metrics: ServingMetrics, slos: ServingSlos) {
  if (metrics.ttftP95Seconds === undefined || !slos.ttftP95Seconds)
    return undefined;
  return metrics.ttftP95Seconds > slos.ttftP95Seconds ? 'error' : 'ok';
}

/**
 * Live serving numbers of one workload at its last sampling, each against its objective where one is set.
 */
export function ServingMetricsFigures(props: {
  metrics?: ServingMetrics;
  slos: ServingSlos;
}) {
  const { metrics, slos } = props;
  if (!metrics) {
    return (
      <Typography variant="body2" color="textSecondary">
        No serving metrics sampled yet: the pods are not serving, or the metrics
        sampler has not reached them.
      </Typography>
    );
  }
  const tokensPerSecond =
    metrics.promptTokensPerSecond === undefined &&
    metrics.generationTokensPerSecond === undefined
      ? undefined
      : (metrics.promptTokensPerSecond ?? 0) +
        (metrics.generationTokensPerSecond ?? 0);
  const ttftSlo = slos.ttftP95Seconds;
  const ttftVerdict = ttftTone(metrics, slos);
  let ttftDetail = 'no SLO set';
  if (ttftSlo) {
    ttftDetail = `SLO ${formatSeconds(ttftSlo)}${
      ttftVerdict === 'error' ? ': breached' : ''
    }`;
  }
  return (
    <>
      <FigureRow>
        <Figure
          label="Queue depth"
          value={formatNumber(metrics.requestsWaiting)}
          detail={
            metrics.requestsRunning !== undefined
              ? `${formatNumber(metrics.requestsRunning)} running`
              : undefined
          }
        />
        <Figure
          label="KV-cache usage"
          value={formatShare(metrics.kvCacheUsage)}
          detail={
            metrics.kvCacheUsageMax !== undefined
              ? `busiest replica ${formatShare(metrics.kvCacheUsageMax)}`
              : undefined
          }
          tone={
            (metrics.kvCacheUsageMax ?? metrics.kvCacheUsage ?? 0) >=
            KV_CACHE_BUSY
              ? 'warning'
              : undefined
          }
        />
        <Figure
          label="TTFT p95"
          value={formatSeconds(metrics.ttftP95Seconds)}
          detail={ttftDetail}
          tone={ttftVerdict}
        />
        <Figure
          label="Tokens/s"
          value={formatNumber(tokensPerSecond)}
          detail={
            metrics.requestsPerSecond !== undefined
              ? `${formatNumber(metrics.requestsPerSecond)} requests/s`
              : undefined
          }
        />
        <Figure
          label="Error rate"
          value={formatShare(metrics.errorRate)}
          tone={(metrics.errorRate ?? 0) > 0.01 ? 'error' : undefined}
        />
        <Figure
          label="GPU utilisation"
          value={formatShare(metrics.gpuUtilization)}
        />
      </FigureRow>
      <Typography variant="caption" color="textSecondary">
        Sampled {formatAge(metrics.sampledAt)}
      </Typography>
    </>
  );
}
