import { activeGpuCatalog } from './activeGpuCatalog';
import { GpuSpec } from './gpuTypes';
import { listGpuTypes } from './gpus';

/**
 * How a GPU-hour is bought.
 *
 * @public
 */
export type PriceKind = 'on-demand' | 'spot' | 'committed';

/**
 * Default price multipliers relative to on-demand. UNVERIFIED placeholders (spot and commitment discounts vary
 * by provider, region and contract): set them in config.
 *
 * @public
 */
export const DEFAULT_PRICE_KIND_FACTORS: Readonly<Record<PriceKind, number>> = {
  'on-demand': 1,
  spot: 0.4,
  committed: 0.65,
};

/**
 * A price override from config, for a GPU type key (product label, `…-MIG-<profile>`) or a catalog id.
 *
 * @public
 */
export interface GpuPriceOverride {
  gpuType: string;
  onDemandUsdPerGpuHour?: number;
  spotUsdPerGpuHour?: number;
  committedUsdPerGpuHour?: number;
  asOf?: string;
  source?: string;
}

/**
 * The price of one GPU type, with where each number came from so the UI can label defaults.
 *
 * @public
 */
export interface ResolvedGpuPrice {
  /** GPU type key (see `gpuTypeKey`). */
  gpuType: string;
  gpuId: string;
  usdPerGpuHour: Readonly<Record<PriceKind, number>>;
  /** Per kind: true when the number is an embedded default rather than configured. */
  isDefault: Readonly<Record<PriceKind, boolean>>;
  /** True for numbers that are UNVERIFIED placeholders (the spot/committed factors). */
  unverified: Readonly<Record<PriceKind, boolean>>;
  asOf: string;
  source: string;
}

/**
 * Resolves the price table: embedded dated on-demand defaults (AWS us-east-1, 2026-01-21), spot and committed
 * derived from them by factors, everything overridable. MIG profiles are priced pro rata to compute slices
 * (of 7) unless configured. GPU types without any price are left out.
 *
 * @public
 */
export function resolveGpuPrices(
  overrides: readonly GpuPriceOverride[] = [],
  options: {
    factors?: Partial<Record<PriceKind, number>>;
    catalog?: readonly GpuSpec[];
  } = {},
): ResolvedGpuPrice[] {
  const factors = { ...DEFAULT_PRICE_KIND_FACTORS, ...options.factors };
  const factorIsDefault = (kind: PriceKind) =>
    options.factors?.[kind] === undefined;
  const catalog = options.catalog ?? activeGpuCatalog();
  const prices: ResolvedGpuPrice[] = [];
  for (const type of listGpuTypes(catalog)) {
    const override = overrides.find(
      o => o.gpuType === type.key || (!type.mig && o.gpuType === type.gpu.id),
    );
    const wholeGpuOverride = type.mig
      ? overrides.find(
          o =>
            o.gpuType === type.gpu.gfdProductLabel || o.gpuType === type.gpu.id,
        )
      : undefined;
    const sliceShare = type.mig ? type.mig.computeSlices / 7 : 1;
    const baseOnDemand =
      wholeGpuOverride?.onDemandUsdPerGpuHour ??
      type.gpu.defaultPrice?.onDemandUsdPerGpuHour;
    const onDemand =
      override?.onDemandUsdPerGpuHour ??
      (baseOnDemand !== undefined ? baseOnDemand * sliceShare : undefined);
    if (onDemand === undefined) {
      continue;
    }
    const onDemandIsDefault =
      override?.onDemandUsdPerGpuHour === undefined &&
      wholeGpuOverride?.onDemandUsdPerGpuHour === undefined;
    const spot = override?.spotUsdPerGpuHour ?? onDemand * factors.spot;
    const committed =
      override?.committedUsdPerGpuHour ?? onDemand * factors.committed;
    prices.push({
      gpuType: type.key,
      gpuId: type.gpu.id,
      usdPerGpuHour: { 'on-demand': onDemand, spot, committed },
      isDefault: {
        'on-demand': onDemandIsDefault,
        spot:
          override?.spotUsdPerGpuHour === undefined &&
          (onDemandIsDefault || factorIsDefault('spot')),
        committed:
          override?.committedUsdPerGpuHour === undefined &&
          (onDemandIsDefault || factorIsDefault('committed')),
      },
      unverified: {
        'on-demand': false,
        spot:
          override?.spotUsdPerGpuHour === undefined && factorIsDefault('spot'),
        committed:
          override?.committedUsdPerGpuHour === undefined &&
          factorIsDefault('committed'),
      },
      asOf:
        override?.asOf ??
        wholeGpuOverride?.asOf ??
        type.gpu.defaultPrice?.asOf ??
        'unknown',
      source:
        override?.source ??
        wholeGpuOverride?.source ??
        type.gpu.defaultPrice?.source ??
        'config',
    });
  }
  return prices;
}

/**
 * Looks up one GPU type's price (by type key or catalog id) in a resolved table.
 *
 * @public
 */
export function findGpuPrice(
  prices: readonly ResolvedGpuPrice[],
  gpuType: string,
): ResolvedGpuPrice | undefined {
  return (
    prices.find(p => p.gpuType === gpuType) ??
    prices.find(p => p.gpuId === gpuType && !p.gpuType.includes('-MIG-'))
  );
}
