import { Config, ConfigReader } from '@backstage/config';
import {
  DEFAULT_ERROR_RATE_THRESHOLD,
  DEFAULT_SLO_WINDOW_MINUTES,
  PriceKind,
  ResolvedGpuPrice,
  SaasTokenPrice,
} from '@inference-platform/plugin-inference-common';
import { readGpuPriceSettings } from '@inference-platform/plugin-inference-node';

/** A quota seeded from config. */
export interface ConfiguredQuota {
  owner: string;
  gpuType: string;
  limit: number;
}

/**
 * What config grants one service principal (another plugin, `plugin:<id>`, or an external token by its subject).
 * Nothing is granted by default: a service may read, but act for no team and change no quota.
 */
export interface ServicePrincipalGrant {
  subject: string;
  /** May change GPU quotas (inference.quota.update and the other admin permissions). */
  quotaAdmin: boolean;
  /** May reserve and release GPUs for any owner group. */
  actForAnyTeam: boolean;
}

/** Everything configurable about the inference backend, read once at startup (see config.d.ts). */
export interface InferenceOptions {
  prices: ResolvedGpuPrice[];
  priceKind: PriceKind;
  saasPrices: SaasTokenPrice[];
  quotas: ConfiguredQuota[];
  reservationTtlSeconds: number;
  servicePrincipals: ServicePrincipalGrant[];
  /** Writes (reservations, releases, quota changes) per caller and minute, per backend instance. */
  rateLimit: { writesPerMinute: number };
  loadMultiplier: number;
  /** Service-level checks that become findings. */
  slo: {
    /** Error-rate threshold, 0..1. */
    errorRateThreshold: number;
    /** Whether the threshold is the default (1%) or set in config. */
    errorRateSource: 'default' | 'config';
    /** Minutes of samples a check looks at. */
    windowMinutes: number;
  };
  catalogRefreshSeconds: number;
  sampler: {
    enabled: boolean;
    intervalSeconds: number;
    concurrency: number;
    timeoutSeconds: number;
    source: 'direct' | 'prometheus';
    prometheusUrl?: string;
    /** Label that names the cluster of a Prometheus series (one Prometheus for several clusters). */
    clusterLabel?: string;
  };
  retention: { sampleDays: number; dailyDays: number; metricsHours: number };
  tracking: {
    probeIntervalMs: number;
    probeTimeoutMs: number;
    silentWatchMs: number;
    watchTimeoutSeconds: number;
    pageSize: number;
  };
}

function positive(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`inference.${key} must be a positive number, got ${value}`);
  }
  return value;
}

function readSlo(config: Config): InferenceOptions['slo'] {
  const threshold = config.getOptionalNumber('slo.errorRateThreshold');
  if (threshold !== undefined && !(threshold > 0 && threshold < 1)) {
    throw new Error(
      `inference.slo.errorRateThreshold must be between 0 and 1 (a share of requests), got ${threshold}`,
    );
  }
  return {
    errorRateThreshold: threshold ?? DEFAULT_ERROR_RATE_THRESHOLD,
    errorRateSource: threshold === undefined ? 'default' : 'config',
    windowMinutes: positive(
      config,
      'slo.windowMinutes',
      DEFAULT_SLO_WINDOW_MINUTES,
    ),
  };
}

/** Reads `inference.*`; a broken value throws naming the field. */
export function readInferenceOptions(root: Config): InferenceOptions {
  const config = root.getOptionalConfig('inference') ?? new ConfigReader({});

  const { prices, priceKind } = readGpuPriceSettings(root);

  const saasPrices = (config.getOptionalConfigArray('saasPrices') ?? []).map(
    (p, i) => {
      const entry = {
        name: p.getString('name'),
        inputUsdPerMillion: p.getNumber('inputUsdPerMillion'),
        outputUsdPerMillion: p.getNumber('outputUsdPerMillion'),
      };
      if (entry.inputUsdPerMillion < 0 || entry.outputUsdPerMillion < 0) {
        throw new Error(`inference.saasPrices[${i}] prices must be >= 0`);
      }
      return entry;
    },
  );

  const quotas = (config.getOptionalConfigArray('quotas') ?? []).map((q, i) => {
    const owner = q.getString('owner');
    const limit = q.getNumber('limit');
    if (!Number.isInteger(limit) || limit < 0) {
      throw new Error(
        `inference.quotas[${i}].limit must be a whole number >= 0, got ${limit}`,
      );
    }
    return {
      owner: owner.includes(':') ? owner : `group:default/${owner}`,
      gpuType: q.getString('gpuType'),
      limit,
    };
  });

  const source = (config.getOptionalString('metrics.source') ?? 'direct') as
    | 'direct'
    | 'prometheus';
  if (source !== 'direct' && source !== 'prometheus') {
    throw new Error(
      `inference.metrics.source must be 'direct' or 'prometheus', got '${source}'`,
    );
  }
  const prometheusUrl = config.getOptionalString('metrics.prometheusUrl');
  if (source === 'prometheus' && !prometheusUrl) {
    throw new Error(
      'inference.metrics.prometheusUrl is required when inference.metrics.source is prometheus',
    );
  }

  const servicePrincipals = (
    config.getOptionalConfigArray('servicePrincipals') ?? []
  ).map(p => ({
    subject: p.getString('subject'),
    quotaAdmin: p.getOptionalBoolean('quotaAdmin') ?? false,
    actForAnyTeam: p.getOptionalBoolean('actForAnyTeam') ?? false,
  }));

  return {
    prices,
    priceKind,
    saasPrices,
    quotas,
    servicePrincipals,
    rateLimit: {
      writesPerMinute: positive(config, 'rateLimit.writesPerMinute', 60),
    },
    reservationTtlSeconds: positive(config, 'reservationTtlSeconds', 1800),
    loadMultiplier: positive(config, 'loadMultiplier', 10),
    slo: readSlo(config),
    catalogRefreshSeconds: positive(config, 'catalogRefreshSeconds', 30),
    sampler: {
      enabled: config.getOptionalBoolean('metrics.enabled') ?? true,
      intervalSeconds: positive(config, 'metrics.intervalSeconds', 60),
      concurrency: positive(config, 'metrics.concurrency', 8),
      timeoutSeconds: positive(config, 'metrics.timeoutSeconds', 10),
      source,
      prometheusUrl,
      clusterLabel: config.getOptionalString('metrics.clusterLabel'),
    },
    retention: {
      sampleDays: positive(config, 'retention.sampleDays', 14),
      dailyDays: positive(config, 'retention.dailyDays', 400),
      metricsHours: positive(config, 'retention.metricsHours', 24),
    },
    tracking: {
      probeIntervalMs: positive(config, 'tracking.probeIntervalMs', 2000),
      probeTimeoutMs: positive(config, 'tracking.probeTimeoutMs', 2000),
      silentWatchMs: positive(config, 'tracking.silentWatchMs', 90_000),
      watchTimeoutSeconds: positive(
        config,
        'tracking.watchTimeoutSeconds',
        300,
      ),
      pageSize: positive(config, 'tracking.pageSize', 500),
    },
  };
}
