export interface Config {
  /** Configuration of the inference platform plugins. */
  inference?: {
    /**
     * Catalog ref of the group whose members administer GPU quotas (e.g. `group:default/platform-team`).
     * Used by the app's permission policy.
     * @visibility frontend
     */
    platformTeam?: string;

    /**
     * Clusters to track, in the shape of the Kubernetes plugin's `config` cluster locator. When absent, the
     * clusters of `kubernetes.clusterLocatorMethods` (type `config`) are used, so they are configured once.
     * @visibility backend
     */
    clusters?: Array<{
      /** @visibility backend */
      name: string;
      /** @visibility backend */
      url: string;
      /** Only serviceAccount is supported. @visibility backend */
      authProvider?: string;
      /** @visibility secret */
      serviceAccountToken?: string;
      /** @visibility backend */
      skipTLSVerify?: boolean;
      /** Base64-encoded PEM of the cluster CA. @visibility backend */
      caData?: string;
      /** @visibility backend */
      caFile?: string;
    }>;

    /**
     * A kubeconfig file whose contexts are tracked as clusters (in addition to the clusters above).
     * @visibility backend
     */
    kubeconfig?: {
      /** @visibility backend */
      path: string;
      /** Only these contexts; all when absent. @visibility backend */
      contexts?: string[];
    };

    /**
     * GPU quotas seeded at startup (a quota already in the database, e.g. changed through the API, is kept).
     * @visibility backend
     */
    quotas?: Array<{
      /** Owner group: an entity ref or a group name in the default namespace. @visibility backend */
      owner: string;
      /** GPU product label (nvidia.com/gpu.product) or <label>-MIG-<profile>. @visibility backend */
      gpuType: string;
      /** GPUs the owner may hold at autoscaler ceiling. @visibility backend */
      limit: number;
    }>;

    /**
     * The platform's own figures for catalog GPUs, in place of the built-in ones (several are marked UNVERIFIED in
     * the catalog, e.g. the CUDA-visible memory of most GPUs). The planner, the health card's advice and the capacity
     * figures use them; a GPU the catalog does not know, or a figure that cannot be right, stops the backend at startup.
     * @visibility backend
     */
    gpus?: Array<{
      /** Catalog id (`l4`) or `nvidia.com/gpu.product` label (`NVIDIA-L4`). */
      gpu: string;
      /** Memory the CUDA runtime reports on one device, GiB (nvidia-smi total less reserved). */
      usableMemoryGiB?: number;
      /** Memory bandwidth, GB/s. */
      memoryBandwidthGBs?: number;
      /** Dense BF16 tensor TFLOPS. */
      bf16DenseTflops?: number;
      /** Dense FP8 tensor TFLOPS. */
      fp8DenseTflops?: number;
      /** Karpenter's `karpenter.k8s.aws/instance-gpu-name` value. */
      karpenterGpuName?: string;
      /** CUDA compute capability, `major.minor`. */
      computeCapability?: string;
      /** Where the figures come from. */
      source?: string;
    }>;

    /**
     * GPU prices overriding the dated built-in defaults (AWS us-east-1 on-demand, 2026-01-21).
     * @visibility frontend
     */
    prices?: Array<{
      /** @visibility frontend */
      gpuType: string;
      /** @visibility frontend */
      onDemandUsdPerGpuHour?: number;
      /** @visibility frontend */
      spotUsdPerGpuHour?: number;
      /** @visibility frontend */
      committedUsdPerGpuHour?: number;
      /** @visibility frontend */
      asOf?: string;
      /** @visibility frontend */
      source?: string;
    }>;
    /**
     * Multipliers on the on-demand price for spot and committed GPUs (defaults are UNVERIFIED placeholders).
     * @visibility frontend
     */
    priceKindFactors?: {
      /** @visibility frontend */
      spot?: number;
      /** @visibility frontend */
      committed?: number;
    };
    /**
     * Which price applies to usage: on-demand (default), spot or committed.
     * @visibility frontend
     */
    priceKind?: 'on-demand' | 'spot' | 'committed';
    /**
     * SaaS API prices per million tokens, to compare self-hosting with an API.
     * @visibility frontend
     */
    saasPrices?: Array<{
      /** @visibility frontend */
      name: string;
      /** @visibility frontend */
      inputUsdPerMillion: number;
      /** @visibility frontend */
      outputUsdPerMillion: number;
    }>;

    /**
     * What service principals may do beyond reading. Backstage's permission service allows a service principal every
     * permission its token's `accessRestrictions` leave it, so the inference API grants writes only here: a service
     * not listed may read, but reserves and releases for no team and changes no quota. The subject is `plugin:<id>`
     * for another backend plugin calling with its own credentials, and the configured `subject` of a static token
     * (`backend.auth.externalAccess`); a plugin calling on behalf of a user (the scaffolder) acts as that user.
     * @visibility backend
     */
    servicePrincipals?: Array<{
      /** `plugin:<pluginId>` or the subject of an external access token. @visibility backend */
      subject: string;
      /** May change GPU quotas like the platform team (default false). @visibility backend */
      quotaAdmin?: boolean;
      /** May reserve and release GPUs for any owner group (default false). @visibility backend */
      actForAnyTeam?: boolean;
    }>;

    /**
     * Writes per caller (user or service) and minute: reservations, releases and quota changes. A caller past it
     * gets a 429 with Retry-After. Kept in memory per backend instance.
     * @visibility backend
     */
    rateLimit?: {
      /** Default 60. @visibility backend */
      writesPerMinute?: number;
    };

    /** Load multiple of the capacity verdict (default 10). @visibility frontend */
    loadMultiplier?: number;
    /** Service-level checks that become health findings. @visibility backend */
    slo?: {
      /**
       * Share of finished requests (0..1) that may fail before a workload gets an "error rate above its threshold"
       * finding. Default 0.01 (1%); findings say whether the default or this setting applied. @visibility backend
       */
      errorRateThreshold?: number;
      /** Minutes of metric samples the TTFT and error-rate checks look at (default 5). @visibility backend */
      windowMinutes?: number;
    };
    /** TTL of a quota reservation before it expires unconfirmed (default 1800). @visibility backend */
    reservationTtlSeconds?: number;
    /** How often catalog links (kubernetes-id annotations) are re-read (default 30). @visibility backend */
    catalogRefreshSeconds?: number;

    /** Where usage and serving metrics come from. @visibility backend */
    metrics?: {
      /** Sample metrics at all (default true). @visibility backend */
      enabled?: boolean;
      /** direct (scrape pods through the Kubernetes API, default) or prometheus. @visibility backend */
      source?: 'direct' | 'prometheus';
      /** Base URL of the Prometheus HTTP API, for source prometheus. @visibility backend */
      prometheusUrl?: string;
      /** Label naming the cluster of a series in Prometheus (default `cluster`). @visibility backend */
      clusterLabel?: string;
      /** Sampling interval (default 60). @visibility backend */
      intervalSeconds?: number;
      /** Scrapes or queries in flight at once (default 8). @visibility backend */
      concurrency?: number;
      /** Timeout of one scrape or query (default 10). @visibility backend */
      timeoutSeconds?: number;
    };

    /** How long history is kept. @visibility backend */
    retention?: {
      /** Raw usage samples (default 14 days). @visibility backend */
      sampleDays?: number;
      /** Daily roll-ups (default 400 days). @visibility backend */
      dailyDays?: number;
      /** Serving metrics points (default 24 hours). @visibility backend */
      metricsHours?: number;
    };

    /** Watch tuning. @visibility backend */
    tracking?: {
      /** How often each API server is probed (default 2000). @visibility backend */
      probeIntervalMs?: number;
      /** Probe timeout; a failing probe marks the cluster stale (default 2000). @visibility backend */
      probeTimeoutMs?: number;
      /** A watch without events or bookmarks for this long is restarted (default 90000). @visibility backend */
      silentWatchMs?: number;
      /** Server-side watch timeout (default 300). @visibility backend */
      watchTimeoutSeconds?: number;
      /** List page size (default 500). @visibility backend */
      pageSize?: number;
    };
  };
}
