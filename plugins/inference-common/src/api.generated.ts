// Generated from plugins/inference-backend/src/schema/openapi.yaml by its scripts/generate-spec.mjs
// (npm run generate:spec in plugins/inference-backend). Do not edit.
/* eslint-disable */

/** @public */
export type paths = {
  '/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description State of the backend and its store: status and whether the database is reachable (503 with status degraded while it is not); the database engine and latest migration only to admins (holders of inference.quota.update). */
    get: operations['GetHealth'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/entities/{kind}/{namespace}/{name}/summary': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Everything an entity page shows: workloads with health findings, cost over 7 and 30 days with idle share and the SaaS comparison, the capacity verdict at 10x load and the owner's quota standing. */
    get: operations['GetEntitySummary'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/workloads': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['ListWorkloads'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/clusters': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Watch status and GPU capacity (allocatable, allocated, free, growth room) per pool and GPU type. lastError is a category (unreachable, timed out, TLS certificate rejected, unauthorised (401), forbidden (403), ...); the backend log has the full error. */
    get: operations['ListClusters'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/clusters/{cluster}/platform': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Platform settings of a tracked cluster as the templates use them (inference.platform: Prometheus URL, monitoring, ingress and KEDA HTTP add-on namespaces, model cache, download rate, Pod Security level), a summary in words, and the source of each setting (its config key, or where the built-in default comes from). 404 for a cluster the backend does not track. */
    get: operations['GetClusterPlatform'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/quotas': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Quota lines per owner and GPU type: limit, used (at autoscaler ceiling), reserved, headroom, and exceedsCapacity ({ capacity, limit }) when the limit is above what the fleet's pools of that GPU type can hold. */
    get: operations['ListQuotas'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/quotas/{owner}/{gpuType}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** @description Sets an owner's GPU limit for one GPU type. Needs inference.quota.update. The owner must be a Group of the catalog and the GPU type one of the GPU catalog or of a tracked pool (MIG profiles as <product>-MIG-<profile>); otherwise a 400 names the field. */
    put: operations['UpdateQuota'];
    post?: never;
    /** @description Removes an owner's quota line for one GPU type (any line, also one whose owner or GPU type is not valid), with the removal in the line's audit log (new limit null). Needs inference.quota.update. 409 while GPUs of the line are held (charged to running workloads or by pending reservations), naming them, unless force=true: then what runs keeps running without a quota and new reservations of the line are refused. 404 when there is no such line. */
    delete: operations['RemoveQuota'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/quotas/{owner}/{gpuType}/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Changes of the quota, oldest first, in pages. */
    get: operations['GetQuotaAudit'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/reservations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Reservations, newest first, in pages. */
    get: operations['ListReservations'];
    put?: never;
    /** @description Reserves GPUs of the owner's quota if used + reserved + requested <= limit (checked and written atomically). An idempotency key belongs to its caller and owner: the same caller repeating it for the same owner gets the first reservation back (200); anyone else's use of the same key is a separate request. 409 when the quota would be exceeded. Users act for the groups they are members of; services only when inference.servicePrincipals grants them actForAnyTeam. */
    post: operations['CreateReservation'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/reservations/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description One reservation by id (what apply checks before deploying GPUs), whatever its age. */
    get: operations['GetReservation'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/reservations/{id}/release': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** @description Gives pending GPUs back. Allowed to the requester, the owner group's members, services and holders of inference.quota.update. */
    post: operations['ReleaseReservation'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/usage': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description GPU usage history for charts, per day (from roll-ups) or per hour (from raw samples). Bounded: hourly at most 2 days for the whole fleet and 7 days narrowed by entityRef or owner; daily at most 92 days for the whole fleet. A longer window is a 400 naming days. days defaults to 2 (hour) or 30 (day). */
    get: operations['GetUsage'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/platform': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Totals for the governance page - spend and idle share, quota use, capacity, violations, top idle spenders. */
    get: operations['GetPlatformOverview'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
};
/** @public */
export type webhooks = Record<string, never>;
/** @public */
export type components = {
  schemas: {
    EntityRef: string;
    /** @description GPU product label as GPU Feature Discovery publishes it, or <label>-MIG-<profile> */
    GpuType: string;
    Error: {
      error?: {
        name?: string;
        message?: string;
      };
    } & {
      [key: string]: unknown;
    };
    UpdateQuota: {
      limit: number;
      reason?: string;
    };
    CreateReservation: {
      owner: components['schemas']['EntityRef'];
      gpuType: components['schemas']['GpuType'];
      gpus: number;
      ttlSeconds?: number;
      idempotencyKey?: string;
      entityRef?: components['schemas']['EntityRef'];
      workload?: {
        cluster: string;
        namespace: string;
        name: string;
      };
    };
    /** @description Answer of GET /health (also the body of its 503 while the store is unreachable). */
    InferenceHealthResponse: {
      /** @enum {string} */
      status: 'ok' | 'degraded';
      /** @description The store: whether it answers; its engine (`client`, e.g. better-sqlite3 or pg) and latest migration are only told to quota admins. */
      database: {
        client?: string;
        reachable: boolean;
        latestMigration?: string;
      };
    };
    /** @enum {string} */
    ServingRuntime: 'vllm' | 'triton' | 'tgi' | 'tei';
    /** @description One pod of a workload, trimmed for display. */
    WorkloadPod: {
      name: string;
      namespace: string;
      /** @enum {string} */
      phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
      ready: boolean;
      restarts: number;
      nodeName?: string;
      /** @description The scheduler's message while the pod waits for a node (PodScheduled=False). */
      schedulingMessage?: string;
      gpuType?: string;
      gpus: number;
      startedAt?: string;
      containers: {
        name: string;
        image?: string;
        ready: boolean;
        restartCount: number;
        /** @enum {string} */
        state: 'running' | 'waiting' | 'terminated' | 'unknown';
        /** @description Waiting or terminated reason. */
        reason?: string;
      }[];
    };
    /** @description Serving metrics of a workload at its last sampling, summed or averaged over its pods. */
    ServingMetrics: {
      sampledAt: string;
      requestsPerSecond?: number;
      promptTokensPerSecond?: number;
      generationTokensPerSecond?: number;
      /** @description Requests being processed over all replicas. */
      requestsRunning?: number;
      /** @description Requests waiting in the queue over all replicas. */
      requestsWaiting?: number;
      /** @description Mean KV-cache usage of a replica, 0..1. */
      kvCacheUsage?: number;
      /** @description Largest KV-cache usage of a replica, 0..1. */
      kvCacheUsageMax?: number;
      ttftP95Seconds?: number;
      /** @description Failed / all finished requests, 0..1. */
      errorRate?: number;
      /** @description Mean utilisation of its GPUs, 0..1. */
      gpuUtilization?: number;
    };
    /** @description A namespace's ResourceQuota on a GPU resource. */
    NamespaceGpuQuota: {
      cluster: string;
      namespace: string;
      /** @description Name of the ResourceQuota object. */
      name: string;
      /** @description The quota's resource name, e.g. `requests.nvidia.com/gpu`. */
      resource: string;
      hard: number;
      used: number;
    };
    /** @description One observation a finding rests on. */
    FindingEvidence: {
      /** @enum {string} */
      source:
        | 'container-status'
        | 'event'
        | 'metric'
        | 'pod'
        | 'workload'
        | 'quota';
      /** @description The observed text or value, quoted or summarised. */
      text: string;
      /** @description The numbers and names the text states. */
      facts?: {
        [key: string]: string | number;
      };
      pod?: string;
      container?: string;
      /** @description ISO timestamp of the observation, when known. */
      at?: string;
    };
    /** @description A diagnosed problem with its evidence and a concrete fix. */
    Finding: {
      id: string;
      /** @enum {string} */
      kind:
        | 'cuda-oom'
        | 'host-oom-killed'
        | 'kv-cache-too-small'
        | 'kv-cache-saturated'
        | 'insufficient-gpu'
        | 'image-pull'
        | 'cuda-driver-insufficient'
        | 'no-gpu-device'
        | 'crash-loop'
        | 'replicas-below-desired'
        | 'slow-model-load'
        | 'resource-quota-exceeded'
        | 'quota-mismatch'
        | 'ttft-slo-breached'
        | 'error-rate-high';
      /** @enum {string} */
      severity: 'critical' | 'warning' | 'info';
      title: string;
      summary: string;
      evidence: components['schemas']['FindingEvidence'][];
      fix: string;
    };
    /** @description A model-serving workload in one cluster, as the backend's watch cache sees it. */
    InferenceWorkload: {
      /** @description `<cluster>/<namespace>/<kind>/<name>`. */
      id: string;
      cluster: string;
      namespace: string;
      /** @description Deployment, StatefulSet, InferenceService or LeaderWorkerSet. */
      kind: string;
      name: string;
      /** @description Catalog entity linked through `backstage.io/kubernetes-id`. */
      entityRef?: string;
      /** @description Owner group the quota is charged to. */
      owner?: string;
      runtime?: components['schemas']['ServingRuntime'];
      model?: string;
      image?: string;
      /** @description False when the image is referenced by tag only. */
      imageDigestPinned: boolean;
      gpuType?: string;
      gpusPerReplica: number;
      replicas: {
        desired: number;
        ready: number;
        available?: number;
      };
      autoscaler?: {
        /** @enum {string} */
        kind: 'HorizontalPodAutoscaler' | 'ScaledObject';
        name: string;
        minReplicas?: number;
        maxReplicas: number;
      };
      /** @description gpusPerReplica × (autoscaler maxReplicas, else replicas). */
      quotaCharge: number;
      pods: components['schemas']['WorkloadPod'][];
      /** @description ResourceQuotas of its namespace on its GPU resource; absent when not known. */
      namespaceQuotas?: components['schemas']['NamespaceGpuQuota'][];
      findings: components['schemas']['Finding'][];
      /** @description When the watch cache last changed this workload. */
      updatedAt: string;
      metrics?: components['schemas']['ServingMetrics'];
    };
    /**
     * @description State of the backend's connection to a cluster. `degraded`: the watches are current, but some objects could not be read (see `skippedObjects`) or deriving the cluster's workloads failed, so its figures leave something out.
     * @enum {string}
     */
    ClusterSyncState:
      | 'syncing'
      | 'synced'
      | 'degraded'
      | 'stale'
      | 'unreachable';
    /** @description An object of a cluster left out of its workloads and capacity because it could not be read. */
    SkippedObject: {
      kind: string;
      /** @description Absent for cluster-scoped objects (nodes, NodePools). */
      namespace?: string;
      name: string;
      /** @description The field and what is wrong with it, e.g. `spec.replicas: expected a whole number, got "two"`. */
      reason: string;
    };
    /** @description Watch-cache status of one cluster. */
    ClusterStatus: {
      name: string;
      state: components['schemas']['ClusterSyncState'];
      /** @description Since when the cluster is in this state. */
      since: string;
      lastSyncedAt?: string;
      lastError?: string;
      workloads: number;
      gpuNodes: number;
      /** @description Why the cluster is `degraded`: how many objects were skipped, or why deriving its workloads failed. */
      degradedReason?: string;
      /** @description The objects left out (the first 50), present while there are any. */
      skippedObjects?: components['schemas']['SkippedObject'][];
      /** @description Objects skipped and failed derivations since the backend started: a counter. */
      derivationErrors?: number;
    };
    /** @description GPUs of one type in one node pool. */
    NodePoolCapacity: {
      pool: string;
      gpuType: string;
      nodes: number;
      allocatable: number;
      allocated: number;
      free: number;
      /** @description GPUs the pool may still add (Karpenter NodePool limits); absent when unlimited or unknown. */
      growthRoom?: number;
      /** @description The Karpenter NodePool's GPU limit (`spec.limits`), when one with a limit manages the pool. */
      limit?: number;
      /** @description NVIDIA driver of the pool's nodes (GFD labels), the oldest when they differ. */
      driverVersion?: string;
      /** @description Compute capability of the pool's GPUs (GFD labels), e.g. `9.0`. */
      computeCapability?: string;
    };
    /** @description GPU capacity of one cluster, per pool and GPU type. */
    ClusterCapacity: {
      cluster: string;
      pools: components['schemas']['NodePoolCapacity'][];
      updatedAt: string;
    };
    /** @description A cluster's watch status with its GPU capacity (absent until the first node list arrived). */
    ClusterWithCapacity: components['schemas']['ClusterStatus'] & {
      capacity?: components['schemas']['ClusterCapacity'];
    };
    ClusterList: {
      items: components['schemas']['ClusterWithCapacity'][];
    };
    WorkloadList: {
      items: components['schemas']['InferenceWorkload'][];
    };
    /** @description An owner's quota line for one GPU type and what is charged against it. */
    QuotaStanding: {
      owner: string;
      gpuType: string;
      /** @description Absent when no limit is configured (requests are then refused). */
      limit?: number;
      /** @description GPUs charged to running workloads. */
      used: number;
      /** @description GPUs held by pending reservations. */
      reserved: number;
      /** @description limit − used − reserved (negative when over; absent without a limit). */
      headroom?: number;
      overLimit: boolean;
      /** @description Set when the limit is above what the pools of this GPU type can ever hold in the clusters the owner may deploy to (`clusters`). */
      exceedsCapacity?: {
        capacity: number;
        limit: number;
        clusters: string[];
      };
      /** @description Charge per workload, for the breakdown. */
      workloads: {
        id: string;
        charge: number;
      }[];
    };
    QuotaStandingList: {
      items: components['schemas']['QuotaStanding'][];
    };
    /** @description A quota limit as stored after a change. */
    QuotaLimitRecord: {
      ownerRef: string;
      gpuType: string;
      limit: number;
      updatedBy: string;
      updatedAt: string;
    };
    /** @description A quota line as it was when it was removed. */
    QuotaRemoval: {
      ownerRef: string;
      gpuType: string;
      previousLimit: number;
      removedBy: string;
      removedAt: string;
    };
    /** @description One change of a quota limit, from the audit log. */
    QuotaAuditEntry: {
      /** @description Position in the log (ascending). */
      id: number;
      ownerRef: string;
      gpuType: string;
      previousLimit: number | null;
      /** @description The limit after the change; null when the line was removed. */
      newLimit: number | null;
      changedBy: string;
      reason?: string;
      changedAt: string;
    };
    /** @description One page of the audit log; `nextCursor` is absent on the last page. */
    QuotaAuditPage: {
      items: components['schemas']['QuotaAuditEntry'][];
      totalCount: number;
      nextCursor?: string;
    };
    /** @enum {string} */
    ReservationState: 'pending' | 'confirmed' | 'released' | 'expired';
    /** @description A quota reservation made before a workload exists (by the scaffolder). */
    Reservation: {
      id: string;
      owner: string;
      gpuType: string;
      gpus: number;
      state: components['schemas']['ReservationState'];
      createdAt: string;
      /** @description A pending reservation expires at this time unless confirmed. */
      expiresAt: string;
      confirmedAt?: string;
      releasedAt?: string;
      /** @description The workload that confirms it. */
      workload?: {
        cluster: string;
        namespace: string;
        kind: string;
        name: string;
      };
      createdBy?: string;
      /** @description Why it was released or expired. */
      reason?: string;
    };
    /** @description One page of reservations; `nextCursor` is absent on the last page. */
    ReservationPage: {
      items: components['schemas']['Reservation'][];
      totalCount: number;
      nextCursor?: string;
    };
    /** @description One aggregated usage sample of a workload, owner or GPU type. */
    UsagePoint: {
      /** @description Start of the bucket (ISO). */
      t: string;
      bucketSeconds: number;
      gpuType?: string;
      allocatedGpus: number;
      /** @description Mean GPU utilisation 0..1. */
      utilization?: number;
      inputTokens?: number;
      outputTokens?: number;
      requestsPerSecond?: number;
      /** @description Mean KV-cache usage 0..1. */
      kvCacheUsage?: number;
      queueDepth?: number;
      gpuHours?: number;
      /** @description Priced at the configured rate of the GPU type. */
      costUsd?: number;
      idleCostUsd?: number;
    };
    /** @description Answer of GET /usage: one point per bucket, summed over GPU types. */
    UsageHistory: {
      /** @enum {string} */
      granularity: 'hour' | 'day';
      points: components['schemas']['UsagePoint'][];
    };
    SaasTokenPrice: {
      /** @description Label shown to users, e.g. the provider and model tier. */
      name: string;
      inputUsdPerMillion: number;
      outputUsdPerMillion: number;
    };
    CostSummary: {
      gpuHours: number;
      costUsd: number;
      idleCostUsd: number;
      /** @description idleCostUsd / costUsd × 100 (0 when nothing was spent). */
      idlePercent: number;
      tokens: {
        inputTokens: number;
        outputTokens: number;
      };
      costPerMillionTokensUsd?: number;
      /** @description Same tokens at each configured SaaS price; ratio = self-hosted cost / SaaS cost. */
      saasComparison: {
        name: string;
        costUsd: number;
        ratio?: number;
      }[];
      byGpuType: {
        gpuType: string;
        gpuHours: number;
        costUsd: number;
        idleCostUsd: number;
        usdPerGpuHour: number;
        isDefaultPrice: boolean;
      }[];
      /** @description GPU types without a price: their hours are counted but not priced. */
      unpricedGpuTypes: string[];
    };
    /** @description Cost of a period, with the SaaS comparison prices used. */
    CostWindow: {
      days: number;
      from: string;
      to: string;
      summary: components['schemas']['CostSummary'];
      saasPrices: components['schemas']['SaasTokenPrice'][];
    };
    CostWindows: {
      last7d: components['schemas']['CostWindow'];
      last30d: components['schemas']['CostWindow'];
    };
    /** @description GPUs of one type in one node pool, as the capacity verdict counts them. */
    PoolCapacity: {
      cluster: string;
      pool: string;
      gpuType: string;
      freeGpus: number;
      growthRoomGpus: number;
      allocatableGpus?: number;
      limitGpus?: number;
    };
    /** @description Something the service's team can do about a verdict, with the numbers. */
    HeadroomAction: {
      /** @enum {string} */
      kind:
        | 'fix-failure'
        | 'add-autoscaler'
        | 'raise-max-replicas'
        | 'add-gpus'
        | 'raise-platform-quota'
        | 'raise-namespace-quota';
      /**
       * @description `today`: needed to run the current replicas; `target`: needed at k× load.
       * @enum {string}
       */
      for: 'today' | 'target';
      text: string;
      gpus?: number;
      cluster?: string;
      pool?: string;
      namespace?: string;
      quota?: string;
      owner?: string;
      gpuType?: string;
      from?: number;
      to?: number;
    };
    /** @description Whether the current replicas run today, and what they lack. */
    HeadroomToday: {
      desiredReplicas: number;
      scheduledReplicas: number;
      pendingReplicas: number;
      missingReplicas: number;
      capacityShortfallGpus: number;
      namespaceQuotaShortfallGpus: number;
    };
    /** @description Whether a service could take k× its current load, with every number behind the verdict. */
    HeadroomVerdict: {
      /** @enum {string} */
      verdict:
        | 'ready'
        | 'quota-bound'
        | 'capacity-bound'
        | 'blocked'
        | 'failing';
      /** @enum {string} */
      binding?: 'capacity' | 'platform-quota' | 'namespace-quota';
      failing?: string;
      loadMultiplier: number;
      targetLoad: number;
      /** @enum {string} */
      loadUnit: 'requests/s' | 'tokens/s' | 'queued requests' | 'replicas';
      replicasNeeded: number;
      additionalReplicas: number;
      gpusNeeded: number;
      additionalGpus: number;
      freeGpus: number;
      growthRoomGpus: number;
      capacityGpus: number;
      additionalQuotaGpus: number;
      quotaHeadroomGpus?: number;
      namespaceQuotaHeadroomGpus?: number;
      capacityShortfallGpus: number;
      quotaShortfallGpus: number;
      namespaceQuotaShortfallGpus: number;
      maxReplicasTooLow: boolean;
      today: components['schemas']['HeadroomToday'];
      actions: components['schemas']['HeadroomAction'][];
      pools: components['schemas']['PoolCapacity'][];
      explanation: string;
    };
    /** @description Why an entity shows no workload, so a page never reads "Healthy, 0 workloads". */
    NothingRunning: {
      /**
       * @description `linking`: a new entity whose workload is not seen yet or clusters still syncing; `not-running`: nothing runs for it where the backend looked.
       * @enum {string}
       */
      state: 'linking' | 'not-running';
      message: string;
      clusters: string[];
    };
    /** @description Everything the entity page's cards show, in one call. */
    EntityInferenceSummary: {
      entityRef: string;
      owner?: string;
      workloads: components['schemas']['InferenceWorkload'][];
      /** @description Findings of all workloads, most severe first. */
      findings: components['schemas']['Finding'][];
      cost: components['schemas']['CostWindows'];
      capacity?: components['schemas']['HeadroomVerdict'];
      /** @description The owner's quota lines for the GPU types the workloads use. */
      quota: components['schemas']['QuotaStanding'][];
      /** @description Clusters the workloads run in, so stale data is visible. */
      clusters: components['schemas']['ClusterStatus'][];
      nothingRunning?: components['schemas']['NothingRunning'];
      generatedAt: string;
    };
    /** @description A rule a workload breaks, for the governance page. */
    PolicyViolation: {
      /** @enum {string} */
      kind:
        | 'over-quota'
        | 'tag-only-image'
        | 'unowned-workload'
        | 'no-autoscaler-ceiling'
        | 'driver-incompatible';
      workloadId?: string;
      owner?: string;
      message: string;
    };
    /** @description Idle spend of one owner or service over a window. */
    IdleSpender: {
      /** @description Owner group or entity ref (or the workload id when nothing links it). */
      ref: string;
      costUsd: number;
      idleCostUsd: number;
      idlePercent: number;
    };
    /** @description The platform team's page. */
    PlatformOverview: {
      clusters: components['schemas']['ClusterStatus'][];
      capacity: components['schemas']['ClusterCapacity'][];
      quotas: components['schemas']['QuotaStanding'][];
      violations: components['schemas']['PolicyViolation'][];
      spend: components['schemas']['CostWindows'];
      /** @description Idle spend over the last 30 days, largest first. */
      idleByOwner: components['schemas']['IdleSpender'][];
      idleByService: components['schemas']['IdleSpender'][];
      workloads: {
        total: number;
        healthy: number;
        warning: number;
        critical: number;
        gpusCharged: number;
      };
      generatedAt: string;
    };
    /** @description Platform settings of a cluster as the templates use them (inference.platform). */
    ClusterPlatformSettings: {
      prometheusUrl: string;
      monitoringNamespace: string;
      ingress: {
        namespace: string;
        className: string;
        domain: string;
      };
      httpAddOn: {
        namespace: string;
        interceptorService: string;
        interceptorPort: number;
      };
      apiServerCidrs: string[];
      modelCache: {
        /** @enum {string} */
        mode: 'shared' | 'per-replica' | 'node-local';
        storageClassName: string;
        /** @enum {string} */
        accessMode: 'ReadWriteMany' | 'ReadWriteOnce' | 'ReadWriteOncePod';
      };
      downloadMiBps: number;
      loadMiBps: number;
      engineInitSeconds: number;
      nodeLaunchSeconds: number;
      /** @enum {string} */
      podSecurity: 'privileged' | 'baseline' | 'restricted';
    };
    /** @description A cluster's platform settings, in words, and where each comes from (its config key, or the source of the built-in default), keyed by setting path (e.g. `ingress.domain`). */
    ClusterPlatformResponse: {
      cluster: string;
      settings: components['schemas']['ClusterPlatformSettings'];
      summary: string[];
      sources: {
        [key: string]: string;
      };
    };
  };
  responses: {
    /** @description An error with its name and message */
    Error: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description The caller made more writes than inference.rateLimit.writesPerMinute allows; the Retry-After header says in how many seconds to try again */
    TooManyRequests: {
      headers: {
        'Retry-After'?: number;
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description The inference store (database) is unreachable. One rule for every route that reads or writes the store: it answers this 503, a ServiceUnavailableError whose message says since when ("The inference store (database) is unreachable since <time>; retrying"), never a cached answer, until the backend reaches the database again; Retry-After says in how many seconds to try again. A write answered 503 was not made. /health says degraded meanwhile; /clusters and /clusters/{cluster}/platform, which read no store, answer as usual. */
    StoreUnavailable: {
      headers: {
        'Retry-After'?: number;
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
  };
  parameters: {
    entityKind: string;
    entityNamespace: string;
    entityName: string;
    /** @description Owner group entity ref, URL-encoded (e.g. group%3Adefault%2Fml-chat) */
    ownerRef: components['schemas']['EntityRef'];
    gpuType: components['schemas']['GpuType'];
    reservationId: string;
    /** @description Items per page, 1 to 1000 (default 100). */
    limit: string;
    /** @description The nextCursor of the previous page; opaque. */
    cursor: string;
  };
  requestBodies: never;
  headers: never;
  pathItems: never;
};
/** @public */
export type $defs = Record<string, never>;
/** @public */
export interface operations {
  GetHealth: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Healthy */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['InferenceHealthResponse'];
        };
      };
      /** @description Degraded: the store is unreachable */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['InferenceHealthResponse'];
        };
      };
    };
  };
  GetEntitySummary: {
    parameters: {
      query?: {
        loadMultiplier?: string;
      };
      header?: never;
      path: {
        kind: components['parameters']['entityKind'];
        namespace: components['parameters']['entityNamespace'];
        name: components['parameters']['entityName'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The entity summary */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EntityInferenceSummary'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      404: components['responses']['Error'];
      503: components['responses']['StoreUnavailable'];
    };
  };
  ListWorkloads: {
    parameters: {
      query?: {
        cluster?: string;
        owner?: components['schemas']['EntityRef'];
        gpuType?: components['schemas']['GpuType'];
        health?: 'healthy' | 'warning' | 'critical';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The workloads */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WorkloadList'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      503: components['responses']['StoreUnavailable'];
    };
  };
  ListClusters: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The clusters */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ClusterList'];
        };
      };
      401: components['responses']['Error'];
    };
  };
  GetClusterPlatform: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        cluster: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The cluster's platform settings */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ClusterPlatformResponse'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
    };
  };
  ListQuotas: {
    parameters: {
      query?: {
        owner?: components['schemas']['EntityRef'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The quota lines */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['QuotaStandingList'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      503: components['responses']['StoreUnavailable'];
    };
  };
  UpdateQuota: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Owner group entity ref, URL-encoded (e.g. group%3Adefault%2Fml-chat) */
        owner: components['parameters']['ownerRef'];
        gpuType: components['parameters']['gpuType'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateQuota'];
      };
    };
    responses: {
      /** @description The quota line as stored */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['QuotaLimitRecord'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      429: components['responses']['TooManyRequests'];
      503: components['responses']['StoreUnavailable'];
    };
  };
  RemoveQuota: {
    parameters: {
      query?: {
        force?: 'true' | 'false';
        /** @description Why, for the audit log. */
        reason?: string;
      };
      header?: never;
      path: {
        /** @description Owner group entity ref, URL-encoded (e.g. group%3Adefault%2Fml-chat) */
        owner: components['parameters']['ownerRef'];
        gpuType: components['parameters']['gpuType'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The removed quota line */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['QuotaRemoval'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      409: components['responses']['Error'];
      429: components['responses']['TooManyRequests'];
      503: components['responses']['StoreUnavailable'];
    };
  };
  GetQuotaAudit: {
    parameters: {
      query?: {
        /** @description Items per page, 1 to 1000 (default 100). */
        limit?: components['parameters']['limit'];
        /** @description The nextCursor of the previous page; opaque. */
        cursor?: components['parameters']['cursor'];
      };
      header?: never;
      path: {
        /** @description Owner group entity ref, URL-encoded (e.g. group%3Adefault%2Fml-chat) */
        owner: components['parameters']['ownerRef'];
        gpuType: components['parameters']['gpuType'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One page of the audit log */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['QuotaAuditPage'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      503: components['responses']['StoreUnavailable'];
    };
  };
  ListReservations: {
    parameters: {
      query?: {
        owner?: components['schemas']['EntityRef'];
        state?: 'pending' | 'confirmed' | 'released' | 'expired';
        /** @description Items per page, 1 to 1000 (default 100). */
        limit?: components['parameters']['limit'];
        /** @description The nextCursor of the previous page; opaque. */
        cursor?: components['parameters']['cursor'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One page of reservations */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReservationPage'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      503: components['responses']['StoreUnavailable'];
    };
  };
  CreateReservation: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateReservation'];
      };
    };
    responses: {
      /** @description The reservation first made with this idempotency key */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Reservation'];
        };
      };
      /** @description The new reservation */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Reservation'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      409: components['responses']['Error'];
      429: components['responses']['TooManyRequests'];
      503: components['responses']['StoreUnavailable'];
    };
  };
  GetReservation: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['reservationId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The reservation */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Reservation'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      503: components['responses']['StoreUnavailable'];
    };
  };
  ReleaseReservation: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['reservationId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The released reservation */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Reservation'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      409: components['responses']['Error'];
      429: components['responses']['TooManyRequests'];
      503: components['responses']['StoreUnavailable'];
    };
  };
  GetUsage: {
    parameters: {
      query?: {
        entityRef?: components['schemas']['EntityRef'];
        owner?: components['schemas']['EntityRef'];
        days?: string;
        granularity?: 'hour' | 'day';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The usage history */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UsageHistory'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      503: components['responses']['StoreUnavailable'];
    };
  };
  GetPlatformOverview: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The platform overview */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PlatformOverview'];
        };
      };
      401: components['responses']['Error'];
      503: components['responses']['StoreUnavailable'];
    };
  };
}
