import { Config } from '@backstage/config';
import {
  PriceKind,
  ResolvedGpuPrice,
  resolveGpuPrices,
} from '@inference-platform/plugin-inference-common';

/**
 * The GPU prices the platform charges with: the built-in dated defaults overridden by `inference.prices` and
 * `inference.priceKindFactors`, and the kind (`inference.priceKind`) that applies to usage. The backend's cost card
 * and the scaffolder's plan read them through this one reader, so both show the same $/h.
 *
 * @public
 */
export interface GpuPriceSettings {
  prices: ResolvedGpuPrice[];
  priceKind: PriceKind;
}

const PRICE_KINDS: readonly PriceKind[] = ['on-demand', 'spot', 'committed'];

/**
 * Reads `inference.prices`, `inference.priceKindFactors` and `inference.priceKind` (see the inference backend's
 * config.d.ts); a broken value throws naming the field.
 *
 * @public
 */
export function readGpuPriceSettings(root: Config): GpuPriceSettings {
  const config = root.getOptionalConfig('inference');
  const priceKind = (config?.getOptionalString('priceKind') ??
    'on-demand') as PriceKind;
  if (!PRICE_KINDS.includes(priceKind)) {
    throw new Error(
      `inference.priceKind must be one of ${PRICE_KINDS.join(
        ', ',
      )}, got '${priceKind}'`,
    );
  }
  const overrides = (config?.getOptionalConfigArray('prices') ?? []).map(
    (p, i) => {
      const at = `inference.prices[${i}]`;
      const price = {
        gpuType: p.getString('gpuType'),
        onDemandUsdPerGpuHour: p.getOptionalNumber('onDemandUsdPerGpuHour'),
        spotUsdPerGpuHour: p.getOptionalNumber('spotUsdPerGpuHour'),
        committedUsdPerGpuHour: p.getOptionalNumber('committedUsdPerGpuHour'),
        asOf: p.getOptionalString('asOf'),
        source: p.getOptionalString('source') ?? 'app-config',
      };
      for (const [k, v] of Object.entries(price)) {
        if (typeof v === 'number' && !(v >= 0))
          throw new Error(`${at}.${k} must be >= 0`);
      }
      return price;
    },
  );
  const factors = config?.getOptionalConfig('priceKindFactors');
  const prices = resolveGpuPrices(overrides, {
    factors: factors
      ? {
          spot: factors.getOptionalNumber('spot'),
          committed: factors.getOptionalNumber('committed'),
        }
      : undefined,
  });
  return { prices, priceKind };
}
