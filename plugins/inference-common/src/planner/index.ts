export * from './vllmDefaults';
export * from './precision';
export * from './memory';
export * from './parallelism';
export * from './planTypes';
export * from './planner';
export * from './format';
export * from './advice';
export * from './hfConfig';
export * from './hfSummary';
export * from './vllmEngine';
export {
  engineOverheads,
  plannerErrorBand,
  SWEEP_ENGINE_OVERHEADS,
} from './engineCalibration';
export type { EngineOverheads, PlannerErrorBand } from './engineCalibration';
