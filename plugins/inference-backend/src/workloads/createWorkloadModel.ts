import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterConnection } from '@inference-platform/plugin-inference-node';
import { FleetCache, FleetCacheOptions } from '../tracking/FleetCache';
import { WorkloadModel, WorkloadModelOptions } from './WorkloadModel';

/** A fleet cache over the connections and the workload model derived from it (start/stop through `.fleet`). */
export function createWorkloadModel(
  connections: ClusterConnection[],
  logger: LoggerService,
  options: FleetCacheOptions & WorkloadModelOptions = {},
): WorkloadModel {
  return new WorkloadModel(
    new FleetCache(connections, logger, { cluster: options.cluster }),
    logger,
    { recomputeDelayMs: options.recomputeDelayMs },
  );
}
