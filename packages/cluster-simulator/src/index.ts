/**
 * Simulated GPU Kubernetes clusters that speak the real Kubernetes REST and
 * watch protocol: the embedded default of `npm start`, the fixture of the
 * integration tests and the load generator of the benchmarks.
 *
 * @packageDocumentation
 */

export { startSimulator } from './startSimulator';
export type {
  SimulatorOptions,
  SimulatorHandle,
  RunningCluster,
  ServiceAccountTokenOptions,
} from './startSimulator';
export type { UserInfo } from './auth/userInfo';
export type { PolicyRule } from './auth/policyRules';
export { runCli, summarize } from './cli';
export type { FaultInjection } from './faults/faults';
export type { RequestCounts } from './server/servedCluster';
export type { ClusterEndpoint } from './fleet/configOutput';
export { buildKubeconfig, buildAppConfig } from './fleet/configOutput';
export {
  loadScenario,
  parseScenario,
  bundledScenarios,
} from './scenario/loadScenario';
export { generateScaleScenario } from './scenario/scale';
export type { ScaleOptions } from './scenario/scale';
export { scenarioSchema } from './scenario/schema';
export type {
  Scenario,
  ScenarioInput,
  ClusterSpec,
  NodePoolSpec,
  WorkloadSpec,
  LoadProfile,
  FailureMode,
  Timing,
} from './scenario/schema';
export { SimCluster } from './sim/simCluster';
export type { Scaler, ScalerReading } from './controllers/kedaScalers';
export { SimClock } from './sim/clock';
export type { ClockOptions } from './sim/clock';
export { SIM_ANNOTATIONS } from './sim/workloadProfiles';
export { RESOURCE_TYPES, resourceById } from './api/resources';
export type { ResourceType } from './api/resources';
export type { HistoryLimits } from './store/eventHistory';
