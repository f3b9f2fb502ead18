import { PriceKind, ResolvedGpuPrice, findGpuPrice } from '../catalog/prices';

/**
 * A SaaS API price per million tokens, to compare self-hosting with an API (from config).
 *
 * @public
 */
export interface SaasTokenPrice {
  /** Label shown to users, e.g. the provider and model tier. */
  name: string;
  inputUsdPerMillion: number;
  outputUsdPerMillion: number;
}

/**
 * GPU usage of one GPU type over a period.
 *
 * @public
 */
export interface GpuUsage {
  gpuType: string;
  /** GPUs allocated × hours allocated. */
  allocatedGpuHours: number;
  /** Mean utilisation of the allocated GPUs over the period, 0..1 (e.g. DCGM_FI_PROF_GR_ENGINE_ACTIVE). */
  utilization: number;
  priceKind?: PriceKind;
}

/**
 * Token counters over the same period (from `vllm:prompt_tokens_total` / `vllm:generation_tokens_total`).
 *
 * @public
 */
export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
}

/**
 * GPU-hours of `gpus` GPUs held for `hours` hours.
 *
 * @public
 */
export function gpuHours(gpus: number, hours: number): number {
  return gpus * hours;
}

/**
 * Cost of GPU-hours at a rate.
 *
 * @public
 */
export function costOfGpuHours(hours: number, usdPerGpuHour: number): number {
  return hours * usdPerGpuHour;
}

/**
 * Spend on allocated but idle GPU time: allocated GPU-hours × (1 − utilisation) × rate.
 *
 * @public
 */
export function idleSpend(
  allocatedGpuHours: number,
  utilization: number,
  usdPerGpuHour: number,
): number {
  const busy = Math.min(1, Math.max(0, utilization));
  return allocatedGpuHours * (1 - busy) * usdPerGpuHour;
}

/**
 * Cost per million tokens (input + output); undefined when no token was served.
 *
 * @public
 */
export function costPerMillionTokens(
  costUsd: number,
  tokens: TokenCounts,
): number | undefined {
  const total = tokens.inputTokens + tokens.outputTokens;
  return total > 0 ? (costUsd / total) * 1e6 : undefined;
}

/**
 * What the same tokens would cost through a SaaS API.
 *
 * @public
 */
export function saasCost(tokens: TokenCounts, price: SaasTokenPrice): number {
  return (
    (tokens.inputTokens * price.inputUsdPerMillion +
      tokens.outputTokens * price.outputUsdPerMillion) /
    1e6
  );
}

/**
 * Cost summary of a service (or a team) over a period.
 *
 * @public
 */
export interface CostSummary {
  gpuHours: number;
  costUsd: number;
  idleCostUsd: number;
  /** idleCostUsd / costUsd × 100 (0 when nothing was spent). */
  idlePercent: number;
  tokens: TokenCounts;
  costPerMillionTokensUsd?: number;
  /** Same tokens at each configured SaaS price; ratio = self-hosted cost / SaaS cost. */
  saasComparison: Array<{ name: string; costUsd: number; ratio?: number }>;
  byGpuType: Array<{
    gpuType: string;
    gpuHours: number;
    costUsd: number;
    idleCostUsd: number;
    usdPerGpuHour: number;
    isDefaultPrice: boolean;
  }>;
  /** GPU types without a price: their hours are counted but not priced. */
  unpricedGpuTypes: string[];
}

/**
 * Prices GPU usage per GPU type (on-demand, spot or committed rates), splits out idle spend, and compares the cost
 * per million tokens with SaaS API prices.
 *
 * @public
 */
export function summarizeCost(input: {
  usage: readonly GpuUsage[];
  tokens: TokenCounts;
  prices: readonly ResolvedGpuPrice[];
  saasPrices?: readonly SaasTokenPrice[];
  defaultPriceKind?: PriceKind;
}): CostSummary {
  const byGpuType: CostSummary['byGpuType'] = [];
  const unpriced: string[] = [];
  let totalHours = 0;
  let costUsd = 0;
  let idleCostUsd = 0;
  for (const usage of input.usage) {
    totalHours += usage.allocatedGpuHours;
    const price = findGpuPrice(input.prices, usage.gpuType);
    if (!price) {
      if (!unpriced.includes(usage.gpuType)) unpriced.push(usage.gpuType);
      continue;
    }
    const kind = usage.priceKind ?? input.defaultPriceKind ?? 'on-demand';
    const rate = price.usdPerGpuHour[kind];
    const cost = costOfGpuHours(usage.allocatedGpuHours, rate);
    const idle = idleSpend(usage.allocatedGpuHours, usage.utilization, rate);
    costUsd += cost;
    idleCostUsd += idle;
    const existing = byGpuType.find(
      b => b.gpuType === usage.gpuType && b.usdPerGpuHour === rate,
    );
    if (existing) {
      existing.gpuHours += usage.allocatedGpuHours;
      existing.costUsd += cost;
      existing.idleCostUsd += idle;
    } else {
      byGpuType.push({
        gpuType: usage.gpuType,
        gpuHours: usage.allocatedGpuHours,
        costUsd: cost,
        idleCostUsd: idle,
        usdPerGpuHour: rate,
        isDefaultPrice: price.isDefault[kind],
      });
    }
  }
  return {
    gpuHours: totalHours,
    costUsd,
    idleCostUsd,
    idlePercent: costUsd > 0 ? (idleCostUsd / costUsd) * 100 : 0,
    tokens: input.tokens,
    costPerMillionTokensUsd: costPerMillionTokens(costUsd, input.tokens),
    saasComparison: (input.saasPrices ?? []).map(price => {
      const saas = saasCost(input.tokens, price);
      return {
        name: price.name,
        costUsd: saas,
        ratio: saas > 0 ? costUsd / saas : undefined,
      };
    }),
    byGpuType,
    unpricedGpuTypes: unpriced,
  };
}
