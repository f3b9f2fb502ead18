import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterConnection } from '@inference-platform/plugin-inference-node';
import { InferenceOptions } from '../options';
import { FleetCache } from '../tracking/FleetCache';
import { DirectScrapeSource } from './DirectScrapeSource';
import { MetricsSource } from './MetricsSource';
import { PrometheusSource } from './PrometheusSource';

/** The metrics source `inference.metrics.source` names: a Prometheus, or the pods scraped through the API server. */
export function createMetricsSource(args: {
  options: InferenceOptions['sampler'];
  clusters: ClusterConnection[];
  fleet: FleetCache;
  logger: LoggerService;
}): MetricsSource {
  const { options, clusters, logger } = args;
  if (options.source === 'prometheus') {
    return new PrometheusSource({
      baseUrl: options.prometheusUrl!,
      logger,
      timeoutMs: options.timeoutSeconds * 1000,
      clusterLabel: options.clusterLabel,
      singleCluster: clusters.length === 1 ? clusters[0].name : undefined,
    });
  }
  return new DirectScrapeSource({
    clusters,
    pods: cluster => args.fleet.pods(cluster),
    logger,
    concurrency: options.concurrency,
    timeoutMs: options.timeoutSeconds * 1000,
  });
}
