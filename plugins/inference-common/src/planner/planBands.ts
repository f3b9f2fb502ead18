import { ModelArchitecture } from '../catalog/modelTypes';
import { PlannerErrorBand, plannerErrorBand } from './engineCalibration';
import { WeightPrecision } from './precision';
import { VllmSchedulerLimits } from './vllmDefaults';
import { VllmEngineBehaviour } from './vllmEngine';

/** Weight precisions some calibration run used (sweep: bf16/fp16/fp8/int8/gptq/mxfp4; public logs: awq). */
const CALIBRATED_PRECISIONS: readonly WeightPrecision[] = [
  'bf16',
  'fp16',
  'fp8',
  'int8',
  'gptq',
  'awq',
  'mxfp4',
];

/** What about this plan no calibration run covers. */
export function uncoveredFeatures(
  model: ModelArchitecture,
  precision: WeightPrecision,
  engine: VllmEngineBehaviour,
  scheduler: VllmSchedulerLimits,
): string[] {
  const features: string[] = [];
  if (model.linearAttention) features.push('linear-attention layers');
  if (model.mamba) features.push('Mamba layers');
  if (model.crossAttention) features.push('cross-attention layers');
  if (model.visionEncoder) {
    features.push('the vision encoder profiling run (one calibration run)');
  }
  if (!CALIBRATED_PRECISIONS.includes(precision)) {
    features.push(`${precision} weights`);
  }
  if (engine.engine === 'v0' && scheduler.maxNumBatchedTokens > 8192) {
    features.push('a V0 profiling batch above 8192 tokens');
  }
  return features;
}

/** The band of one plan. */
export function planErrorBand(
  model: ModelArchitecture,
  precision: WeightPrecision,
  engine: VllmEngineBehaviour,
  scheduler: VllmSchedulerLimits,
): PlannerErrorBand {
  return plannerErrorBand(
    engine.group,
    uncoveredFeatures(model, precision, engine, scheduler),
  );
}
