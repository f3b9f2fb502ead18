import {
  CostWindow,
  GpuUsage,
  PriceKind,
  ResolvedGpuPrice,
  SaasTokenPrice,
  summarizeCost,
} from '@inference-platform/plugin-inference-common';
import { DailyUsage } from '../database/UsageStore';

const DAY_MS = 24 * 3600_000;

/** `YYYY-MM-DD` (UTC) `days - 1` days before `now`, so a window of `days` days includes today. */
export function windowStart(now: Date, days: number): string {
  return new Date(now.getTime() - (days - 1) * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

/**
 * Prices daily usage rows over the last `days` days. GPU-hours without a utilisation metric are priced but not
 * counted as idle (they are reported as unmeasured instead of guessed).
 */
export function costWindow(options: {
  rows: DailyUsage[];
  days: number;
  now: Date;
  prices: readonly ResolvedGpuPrice[];
  priceKind: PriceKind;
  saasPrices: readonly SaasTokenPrice[];
}): CostWindow & { measuredShare: number } {
  const from = windowStart(options.now, options.days);
  const to = options.now.toISOString().slice(0, 10);
  const rows = options.rows.filter(r => r.day >= from && r.day <= to);
  const byType = new Map<
    string,
    { hours: number; idle: number; measured: number }
  >();
  let inputTokens = 0;
  let outputTokens = 0;
  for (const row of rows) {
    const entry = byType.get(row.gpuType) ?? { hours: 0, idle: 0, measured: 0 };
    entry.hours += row.gpuHours;
    entry.idle += row.idleGpuHours;
    entry.measured += row.measuredGpuHours;
    byType.set(row.gpuType, entry);
    inputTokens += row.promptTokens;
    outputTokens += row.generationTokens;
  }
  const usage: GpuUsage[] = [];
  let hours = 0;
  let measured = 0;
  for (const [gpuType, entry] of byType) {
    hours += entry.hours;
    measured += entry.measured;
    if (entry.measured > 0) {
      usage.push({
        gpuType,
        allocatedGpuHours: entry.measured,
        utilization: 1 - entry.idle / entry.measured,
        priceKind: options.priceKind,
      });
    }
    const unmeasured = entry.hours - entry.measured;
    if (unmeasured > 1e-9) {
      usage.push({
        gpuType,
        allocatedGpuHours: unmeasured,
        utilization: 1,
        priceKind: options.priceKind,
      });
    }
  }
  return {
    days: options.days,
    from,
    to,
    summary: summarizeCost({
      usage,
      tokens: { inputTokens, outputTokens },
      prices: options.prices,
      saasPrices: options.saasPrices,
      defaultPriceKind: options.priceKind,
    }),
    saasPrices: [...options.saasPrices],
    measuredShare: hours > 0 ? measured / hours : 0,
  };
}
