/*
 * KEDA's scaler seam: each trigger type maps to a scaler that reads the
 * trigger's current value (keda pkg/scalers: every scaler implements
 * GetMetricsAndActivity). A reading is either a value or an error; errors
 * count toward `fallback.failureThreshold` (keda pkg/fallback).
 */

/** The value of one trigger now, or the error its scaler met. @public */
export type ScalerReading = { value: number } | { error: string };

/** Reads one trigger of one ScaledObject. @public */
export type Scaler = (input: {
  scaledObject: Record<string, any>;
  trigger: Record<string, any>;
  index: number;
}) => ScalerReading;

/** Scalers by trigger type (`prometheus`, `cpu`, `external-push`, ...). */
export class ScalerRegistry {
  private readonly scalers = new Map<string, Scaler>();

  register(triggerType: string, scaler: Scaler): void {
    this.scalers.set(triggerType, scaler);
  }

  /** Reads a trigger; an unknown trigger type is a scaler error, as in KEDA. */
  read(input: Parameters<Scaler>[0]): ScalerReading {
    const scaler = this.scalers.get(String(input.trigger.type));
    if (!scaler)
      return { error: `no scaler found for type: ${input.trigger.type}` };
    try {
      return scaler(input);
    } catch (e) {
      return { error: (e as Error).message ?? String(e) };
    }
  }
}

/** True when a reading carries a value. */
export function isValue(r: ScalerReading): r is { value: number } {
  return 'value' in r;
}
