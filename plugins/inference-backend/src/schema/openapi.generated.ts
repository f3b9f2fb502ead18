// Generated from plugins/inference-backend/src/schema/openapi.yaml by its scripts/generate-spec.mjs
// (npm run generate:spec in plugins/inference-backend). Do not edit.
/* eslint-disable */

export const spec = {
  openapi: '3.0.3',
  info: {
    title: 'inference',
    version: '1',
    description:
      "Inference platform API: GPU model services tracked across clusters, their health, cost and 10x headroom, and the GPU quota ledger. Every route needs a Backstage token (user or service). Page views read the backend's watch cache and store; no route calls a Kubernetes API server or Prometheus.",
    license: {
      name: 'Apache-2.0',
    },
  },
  servers: [
    {
      url: '/',
    },
  ],
  components: {
    parameters: {
      entityKind: {
        name: 'kind',
        in: 'path',
        required: true,
        schema: {
          type: 'string',
          pattern: '^[A-Za-z][A-Za-z0-9-]{0,62}$',
        },
      },
      entityNamespace: {
        name: 'namespace',
        in: 'path',
        required: true,
        schema: {
          type: 'string',
          pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
        },
      },
      entityName: {
        name: 'name',
        in: 'path',
        required: true,
        schema: {
          type: 'string',
          pattern: '^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$',
        },
      },
      ownerRef: {
        name: 'owner',
        in: 'path',
        required: true,
        description:
          'Owner group entity ref, URL-encoded (e.g. group%3Adefault%2Fml-chat)',
        schema: {
          $ref: '#/components/schemas/EntityRef',
        },
      },
      gpuType: {
        name: 'gpuType',
        in: 'path',
        required: true,
        schema: {
          $ref: '#/components/schemas/GpuType',
        },
      },
      reservationId: {
        name: 'id',
        in: 'path',
        required: true,
        schema: {
          type: 'string',
          format: 'uuid',
        },
      },
      limit: {
        name: 'limit',
        in: 'query',
        description: 'Items per page, 1 to 1000 (default 100).',
        schema: {
          type: 'string',
          pattern: '^([1-9][0-9]{0,2}|1000)$',
        },
      },
      cursor: {
        name: 'cursor',
        in: 'query',
        description: 'The nextCursor of the previous page; opaque.',
        schema: {
          type: 'string',
          pattern: '^[A-Za-z0-9_-]{1,256}$',
        },
      },
    },
    schemas: {
      EntityRef: {
        type: 'string',
        pattern:
          '^[a-z][a-z0-9-]{0,62}:[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?/[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$',
        maxLength: 255,
      },
      GpuType: {
        type: 'string',
        description:
          'GPU product label as GPU Feature Discovery publishes it, or <label>-MIG-<profile>',
        pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$',
      },
      Error: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: {
              name: {
                type: 'string',
              },
              message: {
                type: 'string',
              },
            },
          },
        },
        additionalProperties: true,
      },
      UpdateQuota: {
        type: 'object',
        additionalProperties: false,
        required: ['limit'],
        properties: {
          limit: {
            type: 'integer',
            minimum: 0,
            maximum: 100000,
          },
          reason: {
            type: 'string',
            maxLength: 1000,
          },
        },
      },
      CreateReservation: {
        type: 'object',
        additionalProperties: false,
        required: ['owner', 'gpuType', 'gpus'],
        properties: {
          owner: {
            $ref: '#/components/schemas/EntityRef',
          },
          gpuType: {
            $ref: '#/components/schemas/GpuType',
          },
          gpus: {
            type: 'integer',
            minimum: 1,
            maximum: 10000,
          },
          ttlSeconds: {
            type: 'integer',
            minimum: 60,
            maximum: 604800,
          },
          idempotencyKey: {
            type: 'string',
            minLength: 1,
            maxLength: 255,
          },
          entityRef: {
            $ref: '#/components/schemas/EntityRef',
          },
          workload: {
            type: 'object',
            additionalProperties: false,
            required: ['cluster', 'namespace', 'name'],
            properties: {
              cluster: {
                type: 'string',
                pattern: '^[A-Za-z0-9]([-A-Za-z0-9.]{0,253})?$',
              },
              namespace: {
                type: 'string',
                pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
              },
              name: {
                type: 'string',
                pattern: '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$',
              },
            },
          },
        },
      },
      InferenceHealthResponse: {
        type: 'object',
        description:
          'Answer of GET /health (also the body of its 503 while the store is unreachable).',
        required: ['status', 'database'],
        properties: {
          status: {
            type: 'string',
            enum: ['ok', 'degraded'],
          },
          database: {
            type: 'object',
            description:
              'The store: whether it answers; its engine (`client`, e.g. better-sqlite3 or pg) and latest migration are only told to quota admins.',
            required: ['reachable'],
            properties: {
              client: {
                type: 'string',
              },
              reachable: {
                type: 'boolean',
              },
              latestMigration: {
                type: 'string',
              },
            },
          },
        },
      },
      ServingRuntime: {
        type: 'string',
        enum: ['vllm', 'triton', 'tgi', 'tei'],
      },
      WorkloadPod: {
        type: 'object',
        description: 'One pod of a workload, trimmed for display.',
        required: [
          'name',
          'namespace',
          'phase',
          'ready',
          'restarts',
          'gpus',
          'containers',
        ],
        properties: {
          name: {
            type: 'string',
          },
          namespace: {
            type: 'string',
          },
          phase: {
            type: 'string',
            enum: ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'],
          },
          ready: {
            type: 'boolean',
          },
          restarts: {
            type: 'integer',
          },
          nodeName: {
            type: 'string',
          },
          schedulingMessage: {
            type: 'string',
            description:
              "The scheduler's message while the pod waits for a node (PodScheduled=False).",
          },
          gpuType: {
            type: 'string',
          },
          gpus: {
            type: 'number',
          },
          startedAt: {
            type: 'string',
          },
          containers: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'ready', 'restartCount', 'state'],
              properties: {
                name: {
                  type: 'string',
                },
                image: {
                  type: 'string',
                },
                ready: {
                  type: 'boolean',
                },
                restartCount: {
                  type: 'integer',
                },
                state: {
                  type: 'string',
                  enum: ['running', 'waiting', 'terminated', 'unknown'],
                },
                reason: {
                  type: 'string',
                  description: 'Waiting or terminated reason.',
                },
              },
            },
          },
        },
      },
      ServingMetrics: {
        type: 'object',
        description:
          'Serving metrics of a workload at its last sampling, summed or averaged over its pods.',
        required: ['sampledAt'],
        properties: {
          sampledAt: {
            type: 'string',
          },
          requestsPerSecond: {
            type: 'number',
          },
          promptTokensPerSecond: {
            type: 'number',
          },
          generationTokensPerSecond: {
            type: 'number',
          },
          requestsRunning: {
            type: 'number',
            description: 'Requests being processed over all replicas.',
          },
          requestsWaiting: {
            type: 'number',
            description: 'Requests waiting in the queue over all replicas.',
          },
          kvCacheUsage: {
            type: 'number',
            description: 'Mean KV-cache usage of a replica, 0..1.',
          },
          kvCacheUsageMax: {
            type: 'number',
            description: 'Largest KV-cache usage of a replica, 0..1.',
          },
          ttftP95Seconds: {
            type: 'number',
          },
          errorRate: {
            type: 'number',
            description: 'Failed / all finished requests, 0..1.',
          },
          gpuUtilization: {
            type: 'number',
            description: 'Mean utilisation of its GPUs, 0..1.',
          },
        },
      },
      NamespaceGpuQuota: {
        type: 'object',
        description: "A namespace's ResourceQuota on a GPU resource.",
        required: ['cluster', 'namespace', 'name', 'resource', 'hard', 'used'],
        properties: {
          cluster: {
            type: 'string',
          },
          namespace: {
            type: 'string',
          },
          name: {
            type: 'string',
            description: 'Name of the ResourceQuota object.',
          },
          resource: {
            type: 'string',
            description:
              "The quota's resource name, e.g. `requests.nvidia.com/gpu`.",
          },
          hard: {
            type: 'number',
          },
          used: {
            type: 'number',
          },
        },
      },
      FindingEvidence: {
        type: 'object',
        description: 'One observation a finding rests on.',
        required: ['source', 'text'],
        properties: {
          source: {
            type: 'string',
            enum: [
              'container-status',
              'event',
              'metric',
              'pod',
              'workload',
              'quota',
            ],
          },
          text: {
            type: 'string',
            description: 'The observed text or value, quoted or summarised.',
          },
          facts: {
            type: 'object',
            description: 'The numbers and names the text states.',
            additionalProperties: {
              anyOf: [
                {
                  type: 'string',
                },
                {
                  type: 'number',
                },
              ],
            },
          },
          pod: {
            type: 'string',
          },
          container: {
            type: 'string',
          },
          at: {
            type: 'string',
            description: 'ISO timestamp of the observation, when known.',
          },
        },
      },
      Finding: {
        type: 'object',
        description:
          'A diagnosed problem with its evidence and a concrete fix.',
        required: [
          'id',
          'kind',
          'severity',
          'title',
          'summary',
          'evidence',
          'fix',
        ],
        properties: {
          id: {
            type: 'string',
          },
          kind: {
            type: 'string',
            enum: [
              'cuda-oom',
              'host-oom-killed',
              'kv-cache-too-small',
              'kv-cache-saturated',
              'insufficient-gpu',
              'image-pull',
              'cuda-driver-insufficient',
              'no-gpu-device',
              'crash-loop',
              'replicas-below-desired',
              'slow-model-load',
              'resource-quota-exceeded',
              'quota-mismatch',
              'ttft-slo-breached',
              'error-rate-high',
            ],
          },
          severity: {
            type: 'string',
            enum: ['critical', 'warning', 'info'],
          },
          title: {
            type: 'string',
          },
          summary: {
            type: 'string',
          },
          evidence: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/FindingEvidence',
            },
          },
          fix: {
            type: 'string',
          },
        },
      },
      InferenceWorkload: {
        type: 'object',
        description:
          "A model-serving workload in one cluster, as the backend's watch cache sees it.",
        required: [
          'id',
          'cluster',
          'namespace',
          'kind',
          'name',
          'imageDigestPinned',
          'gpusPerReplica',
          'replicas',
          'quotaCharge',
          'pods',
          'findings',
          'updatedAt',
        ],
        properties: {
          id: {
            type: 'string',
            description: '`<cluster>/<namespace>/<kind>/<name>`.',
          },
          cluster: {
            type: 'string',
          },
          namespace: {
            type: 'string',
          },
          kind: {
            type: 'string',
            description:
              'Deployment, StatefulSet, InferenceService or LeaderWorkerSet.',
          },
          name: {
            type: 'string',
          },
          entityRef: {
            type: 'string',
            description:
              'Catalog entity linked through `backstage.io/kubernetes-id`.',
          },
          owner: {
            type: 'string',
            description: 'Owner group the quota is charged to.',
          },
          runtime: {
            $ref: '#/components/schemas/ServingRuntime',
          },
          model: {
            type: 'string',
          },
          image: {
            type: 'string',
          },
          imageDigestPinned: {
            type: 'boolean',
            description: 'False when the image is referenced by tag only.',
          },
          gpuType: {
            type: 'string',
          },
          gpusPerReplica: {
            type: 'number',
          },
          replicas: {
            type: 'object',
            required: ['desired', 'ready'],
            properties: {
              desired: {
                type: 'integer',
              },
              ready: {
                type: 'integer',
              },
              available: {
                type: 'integer',
              },
            },
          },
          autoscaler: {
            type: 'object',
            required: ['kind', 'name', 'maxReplicas'],
            properties: {
              kind: {
                type: 'string',
                enum: ['HorizontalPodAutoscaler', 'ScaledObject'],
              },
              name: {
                type: 'string',
              },
              minReplicas: {
                type: 'integer',
              },
              maxReplicas: {
                type: 'integer',
              },
            },
          },
          quotaCharge: {
            type: 'number',
            description:
              'gpusPerReplica × (autoscaler maxReplicas, else replicas).',
          },
          pods: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/WorkloadPod',
            },
          },
          namespaceQuotas: {
            type: 'array',
            description:
              'ResourceQuotas of its namespace on its GPU resource; absent when not known.',
            items: {
              $ref: '#/components/schemas/NamespaceGpuQuota',
            },
          },
          findings: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Finding',
            },
          },
          updatedAt: {
            type: 'string',
            description: 'When the watch cache last changed this workload.',
          },
          metrics: {
            $ref: '#/components/schemas/ServingMetrics',
          },
        },
      },
      ClusterSyncState: {
        type: 'string',
        description:
          "State of the backend's connection to a cluster. `degraded`: the watches are current, but some objects could not be read (see `skippedObjects`) or deriving the cluster's workloads failed, so its figures leave something out.",
        enum: ['syncing', 'synced', 'degraded', 'stale', 'unreachable'],
      },
      SkippedObject: {
        type: 'object',
        description:
          'An object of a cluster left out of its workloads and capacity because it could not be read.',
        required: ['kind', 'name', 'reason'],
        properties: {
          kind: {
            type: 'string',
          },
          namespace: {
            type: 'string',
            description:
              'Absent for cluster-scoped objects (nodes, NodePools).',
          },
          name: {
            type: 'string',
          },
          reason: {
            type: 'string',
            description:
              'The field and what is wrong with it, e.g. `spec.replicas: expected a whole number, got "two"`.',
          },
        },
      },
      ClusterStatus: {
        type: 'object',
        description: 'Watch-cache status of one cluster.',
        required: ['name', 'state', 'since', 'workloads', 'gpuNodes'],
        properties: {
          name: {
            type: 'string',
          },
          state: {
            $ref: '#/components/schemas/ClusterSyncState',
          },
          since: {
            type: 'string',
            description: 'Since when the cluster is in this state.',
          },
          lastSyncedAt: {
            type: 'string',
          },
          lastError: {
            type: 'string',
          },
          workloads: {
            type: 'integer',
          },
          gpuNodes: {
            type: 'integer',
          },
          degradedReason: {
            type: 'string',
            description:
              'Why the cluster is `degraded`: how many objects were skipped, or why deriving its workloads failed.',
          },
          skippedObjects: {
            type: 'array',
            description:
              'The objects left out (the first 50), present while there are any.',
            items: {
              $ref: '#/components/schemas/SkippedObject',
            },
          },
          derivationErrors: {
            type: 'integer',
            description:
              'Objects skipped and failed derivations since the backend started: a counter.',
          },
        },
      },
      NodePoolCapacity: {
        type: 'object',
        description: 'GPUs of one type in one node pool.',
        required: [
          'pool',
          'gpuType',
          'nodes',
          'allocatable',
          'allocated',
          'free',
        ],
        properties: {
          pool: {
            type: 'string',
          },
          gpuType: {
            type: 'string',
          },
          nodes: {
            type: 'integer',
          },
          allocatable: {
            type: 'number',
          },
          allocated: {
            type: 'number',
          },
          free: {
            type: 'number',
          },
          growthRoom: {
            type: 'number',
            description:
              'GPUs the pool may still add (Karpenter NodePool limits); absent when unlimited or unknown.',
          },
          limit: {
            type: 'number',
            description:
              "The Karpenter NodePool's GPU limit (`spec.limits`), when one with a limit manages the pool.",
          },
          driverVersion: {
            type: 'string',
            description:
              "NVIDIA driver of the pool's nodes (GFD labels), the oldest when they differ.",
          },
          computeCapability: {
            type: 'string',
            description:
              "Compute capability of the pool's GPUs (GFD labels), e.g. `9.0`.",
          },
        },
      },
      ClusterCapacity: {
        type: 'object',
        description: 'GPU capacity of one cluster, per pool and GPU type.',
        required: ['cluster', 'pools', 'updatedAt'],
        properties: {
          cluster: {
            type: 'string',
          },
          pools: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/NodePoolCapacity',
            },
          },
          updatedAt: {
            type: 'string',
          },
        },
      },
      ClusterWithCapacity: {
        description:
          "A cluster's watch status with its GPU capacity (absent until the first node list arrived).",
        allOf: [
          {
            $ref: '#/components/schemas/ClusterStatus',
          },
          {
            type: 'object',
            properties: {
              capacity: {
                $ref: '#/components/schemas/ClusterCapacity',
              },
            },
          },
        ],
      },
      ClusterList: {
        type: 'object',
        required: ['items'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/ClusterWithCapacity',
            },
          },
        },
      },
      WorkloadList: {
        type: 'object',
        required: ['items'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/InferenceWorkload',
            },
          },
        },
      },
      QuotaStanding: {
        type: 'object',
        description:
          "An owner's quota line for one GPU type and what is charged against it.",
        required: [
          'owner',
          'gpuType',
          'used',
          'reserved',
          'overLimit',
          'workloads',
        ],
        properties: {
          owner: {
            type: 'string',
          },
          gpuType: {
            type: 'string',
          },
          limit: {
            type: 'number',
            description:
              'Absent when no limit is configured (requests are then refused).',
          },
          used: {
            type: 'number',
            description: 'GPUs charged to running workloads.',
          },
          reserved: {
            type: 'number',
            description: 'GPUs held by pending reservations.',
          },
          headroom: {
            type: 'number',
            description:
              'limit − used − reserved (negative when over; absent without a limit).',
          },
          overLimit: {
            type: 'boolean',
          },
          exceedsCapacity: {
            type: 'object',
            description:
              'Set when the limit is above what the pools of this GPU type can ever hold in the clusters the owner may deploy to (`clusters`).',
            required: ['capacity', 'limit', 'clusters'],
            properties: {
              capacity: {
                type: 'number',
              },
              limit: {
                type: 'number',
              },
              clusters: {
                type: 'array',
                items: {
                  type: 'string',
                },
              },
            },
          },
          workloads: {
            type: 'array',
            description: 'Charge per workload, for the breakdown.',
            items: {
              type: 'object',
              required: ['id', 'charge'],
              properties: {
                id: {
                  type: 'string',
                },
                charge: {
                  type: 'number',
                },
              },
            },
          },
        },
      },
      QuotaStandingList: {
        type: 'object',
        required: ['items'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/QuotaStanding',
            },
          },
        },
      },
      QuotaLimitRecord: {
        type: 'object',
        description: 'A quota limit as stored after a change.',
        required: ['ownerRef', 'gpuType', 'limit', 'updatedBy', 'updatedAt'],
        properties: {
          ownerRef: {
            type: 'string',
          },
          gpuType: {
            type: 'string',
          },
          limit: {
            type: 'integer',
          },
          updatedBy: {
            type: 'string',
          },
          updatedAt: {
            type: 'string',
          },
        },
      },
      QuotaRemoval: {
        type: 'object',
        description: 'A quota line as it was when it was removed.',
        required: [
          'ownerRef',
          'gpuType',
          'previousLimit',
          'removedBy',
          'removedAt',
        ],
        properties: {
          ownerRef: {
            type: 'string',
          },
          gpuType: {
            type: 'string',
          },
          previousLimit: {
            type: 'integer',
          },
          removedBy: {
            type: 'string',
          },
          removedAt: {
            type: 'string',
          },
        },
      },
      QuotaAuditEntry: {
        type: 'object',
        description: 'One change of a quota limit, from the audit log.',
        required: [
          'id',
          'ownerRef',
          'gpuType',
          'previousLimit',
          'newLimit',
          'changedBy',
          'changedAt',
        ],
        properties: {
          id: {
            type: 'integer',
            description: 'Position in the log (ascending).',
          },
          ownerRef: {
            type: 'string',
          },
          gpuType: {
            type: 'string',
          },
          previousLimit: {
            type: 'integer',
            nullable: true,
          },
          newLimit: {
            type: 'integer',
            nullable: true,
            description:
              'The limit after the change; null when the line was removed.',
          },
          changedBy: {
            type: 'string',
          },
          reason: {
            type: 'string',
          },
          changedAt: {
            type: 'string',
          },
        },
      },
      QuotaAuditPage: {
        type: 'object',
        description:
          'One page of the audit log; `nextCursor` is absent on the last page.',
        required: ['items', 'totalCount'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/QuotaAuditEntry',
            },
          },
          totalCount: {
            type: 'integer',
          },
          nextCursor: {
            type: 'string',
          },
        },
      },
      ReservationState: {
        type: 'string',
        enum: ['pending', 'confirmed', 'released', 'expired'],
      },
      Reservation: {
        type: 'object',
        description:
          'A quota reservation made before a workload exists (by the scaffolder).',
        required: [
          'id',
          'owner',
          'gpuType',
          'gpus',
          'state',
          'createdAt',
          'expiresAt',
        ],
        properties: {
          id: {
            type: 'string',
          },
          owner: {
            type: 'string',
          },
          gpuType: {
            type: 'string',
          },
          gpus: {
            type: 'integer',
          },
          state: {
            $ref: '#/components/schemas/ReservationState',
          },
          createdAt: {
            type: 'string',
          },
          expiresAt: {
            type: 'string',
            description:
              'A pending reservation expires at this time unless confirmed.',
          },
          confirmedAt: {
            type: 'string',
          },
          releasedAt: {
            type: 'string',
          },
          workload: {
            type: 'object',
            description: 'The workload that confirms it.',
            required: ['cluster', 'namespace', 'kind', 'name'],
            properties: {
              cluster: {
                type: 'string',
              },
              namespace: {
                type: 'string',
              },
              kind: {
                type: 'string',
              },
              name: {
                type: 'string',
              },
            },
          },
          createdBy: {
            type: 'string',
          },
          reason: {
            type: 'string',
            description: 'Why it was released or expired.',
          },
        },
      },
      ReservationPage: {
        type: 'object',
        description:
          'One page of reservations; `nextCursor` is absent on the last page.',
        required: ['items', 'totalCount'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Reservation',
            },
          },
          totalCount: {
            type: 'integer',
          },
          nextCursor: {
            type: 'string',
          },
        },
      },
      UsagePoint: {
        type: 'object',
        description:
          'One aggregated usage sample of a workload, owner or GPU type.',
        required: ['t', 'bucketSeconds', 'allocatedGpus'],
        properties: {
          t: {
            type: 'string',
            description: 'Start of the bucket (ISO).',
          },
          bucketSeconds: {
            type: 'number',
          },
          gpuType: {
            type: 'string',
          },
          allocatedGpus: {
            type: 'number',
          },
          utilization: {
            type: 'number',
            description: 'Mean GPU utilisation 0..1.',
          },
          inputTokens: {
            type: 'number',
          },
          outputTokens: {
            type: 'number',
          },
          requestsPerSecond: {
            type: 'number',
          },
          kvCacheUsage: {
            type: 'number',
            description: 'Mean KV-cache usage 0..1.',
          },
          queueDepth: {
            type: 'number',
          },
          gpuHours: {
            type: 'number',
          },
          costUsd: {
            type: 'number',
            description: 'Priced at the configured rate of the GPU type.',
          },
          idleCostUsd: {
            type: 'number',
          },
        },
      },
      UsageHistory: {
        type: 'object',
        description:
          'Answer of GET /usage: one point per bucket, summed over GPU types.',
        required: ['granularity', 'points'],
        properties: {
          granularity: {
            type: 'string',
            enum: ['hour', 'day'],
          },
          points: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/UsagePoint',
            },
          },
        },
      },
      SaasTokenPrice: {
        type: 'object',
        required: ['name', 'inputUsdPerMillion', 'outputUsdPerMillion'],
        properties: {
          name: {
            type: 'string',
            description:
              'Label shown to users, e.g. the provider and model tier.',
          },
          inputUsdPerMillion: {
            type: 'number',
          },
          outputUsdPerMillion: {
            type: 'number',
          },
        },
      },
      CostSummary: {
        type: 'object',
        required: [
          'gpuHours',
          'costUsd',
          'idleCostUsd',
          'idlePercent',
          'tokens',
          'saasComparison',
          'byGpuType',
          'unpricedGpuTypes',
        ],
        properties: {
          gpuHours: {
            type: 'number',
          },
          costUsd: {
            type: 'number',
          },
          idleCostUsd: {
            type: 'number',
          },
          idlePercent: {
            type: 'number',
            description:
              'idleCostUsd / costUsd × 100 (0 when nothing was spent).',
          },
          tokens: {
            type: 'object',
            required: ['inputTokens', 'outputTokens'],
            properties: {
              inputTokens: {
                type: 'number',
              },
              outputTokens: {
                type: 'number',
              },
            },
          },
          costPerMillionTokensUsd: {
            type: 'number',
          },
          saasComparison: {
            type: 'array',
            description:
              'Same tokens at each configured SaaS price; ratio = self-hosted cost / SaaS cost.',
            items: {
              type: 'object',
              required: ['name', 'costUsd'],
              properties: {
                name: {
                  type: 'string',
                },
                costUsd: {
                  type: 'number',
                },
                ratio: {
                  type: 'number',
                },
              },
            },
          },
          byGpuType: {
            type: 'array',
            items: {
              type: 'object',
              required: [
                'gpuType',
                'gpuHours',
                'costUsd',
                'idleCostUsd',
                'usdPerGpuHour',
                'isDefaultPrice',
              ],
              properties: {
                gpuType: {
                  type: 'string',
                },
                gpuHours: {
                  type: 'number',
                },
                costUsd: {
                  type: 'number',
                },
                idleCostUsd: {
                  type: 'number',
                },
                usdPerGpuHour: {
                  type: 'number',
                },
                isDefaultPrice: {
                  type: 'boolean',
                },
              },
            },
          },
          unpricedGpuTypes: {
            type: 'array',
            description:
              'GPU types without a price: their hours are counted but not priced.',
            items: {
              type: 'string',
            },
          },
        },
      },
      CostWindow: {
        type: 'object',
        description: 'Cost of a period, with the SaaS comparison prices used.',
        required: ['days', 'from', 'to', 'summary', 'saasPrices'],
        properties: {
          days: {
            type: 'number',
          },
          from: {
            type: 'string',
          },
          to: {
            type: 'string',
          },
          summary: {
            $ref: '#/components/schemas/CostSummary',
          },
          saasPrices: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/SaasTokenPrice',
            },
          },
        },
      },
      CostWindows: {
        type: 'object',
        required: ['last7d', 'last30d'],
        properties: {
          last7d: {
            $ref: '#/components/schemas/CostWindow',
          },
          last30d: {
            $ref: '#/components/schemas/CostWindow',
          },
        },
      },
      PoolCapacity: {
        type: 'object',
        description:
          'GPUs of one type in one node pool, as the capacity verdict counts them.',
        required: ['cluster', 'pool', 'gpuType', 'freeGpus', 'growthRoomGpus'],
        properties: {
          cluster: {
            type: 'string',
          },
          pool: {
            type: 'string',
          },
          gpuType: {
            type: 'string',
          },
          freeGpus: {
            type: 'number',
          },
          growthRoomGpus: {
            type: 'number',
          },
          allocatableGpus: {
            type: 'number',
          },
          limitGpus: {
            type: 'number',
          },
        },
      },
      HeadroomAction: {
        type: 'object',
        description:
          "Something the service's team can do about a verdict, with the numbers.",
        required: ['kind', 'for', 'text'],
        properties: {
          kind: {
            type: 'string',
            enum: [
              'fix-failure',
              'add-autoscaler',
              'raise-max-replicas',
              'add-gpus',
              'raise-platform-quota',
              'raise-namespace-quota',
            ],
          },
          for: {
            type: 'string',
            enum: ['today', 'target'],
            description:
              '`today`: needed to run the current replicas; `target`: needed at k× load.',
          },
          text: {
            type: 'string',
          },
          gpus: {
            type: 'number',
          },
          cluster: {
            type: 'string',
          },
          pool: {
            type: 'string',
          },
          namespace: {
            type: 'string',
          },
          quota: {
            type: 'string',
          },
          owner: {
            type: 'string',
          },
          gpuType: {
            type: 'string',
          },
          from: {
            type: 'number',
          },
          to: {
            type: 'number',
          },
        },
      },
      HeadroomToday: {
        type: 'object',
        description:
          'Whether the current replicas run today, and what they lack.',
        required: [
          'desiredReplicas',
          'scheduledReplicas',
          'pendingReplicas',
          'missingReplicas',
          'capacityShortfallGpus',
          'namespaceQuotaShortfallGpus',
        ],
        properties: {
          desiredReplicas: {
            type: 'number',
          },
          scheduledReplicas: {
            type: 'number',
          },
          pendingReplicas: {
            type: 'number',
          },
          missingReplicas: {
            type: 'number',
          },
          capacityShortfallGpus: {
            type: 'number',
          },
          namespaceQuotaShortfallGpus: {
            type: 'number',
          },
        },
      },
      HeadroomVerdict: {
        type: 'object',
        description:
          'Whether a service could take k× its current load, with every number behind the verdict.',
        required: [
          'verdict',
          'loadMultiplier',
          'targetLoad',
          'loadUnit',
          'replicasNeeded',
          'additionalReplicas',
          'gpusNeeded',
          'additionalGpus',
          'freeGpus',
          'growthRoomGpus',
          'capacityGpus',
          'additionalQuotaGpus',
          'capacityShortfallGpus',
          'quotaShortfallGpus',
          'namespaceQuotaShortfallGpus',
          'maxReplicasTooLow',
          'today',
          'actions',
          'pools',
          'explanation',
        ],
        properties: {
          verdict: {
            type: 'string',
            enum: [
              'ready',
              'quota-bound',
              'capacity-bound',
              'blocked',
              'failing',
            ],
          },
          binding: {
            type: 'string',
            enum: ['capacity', 'platform-quota', 'namespace-quota'],
          },
          failing: {
            type: 'string',
          },
          loadMultiplier: {
            type: 'number',
          },
          targetLoad: {
            type: 'number',
          },
          loadUnit: {
            type: 'string',
            enum: ['requests/s', 'tokens/s', 'queued requests', 'replicas'],
          },
          replicasNeeded: {
            type: 'number',
          },
          additionalReplicas: {
            type: 'number',
          },
          gpusNeeded: {
            type: 'number',
          },
          additionalGpus: {
            type: 'number',
          },
          freeGpus: {
            type: 'number',
          },
          growthRoomGpus: {
            type: 'number',
          },
          capacityGpus: {
            type: 'number',
          },
          additionalQuotaGpus: {
            type: 'number',
          },
          quotaHeadroomGpus: {
            type: 'number',
          },
          namespaceQuotaHeadroomGpus: {
            type: 'number',
          },
          capacityShortfallGpus: {
            type: 'number',
          },
          quotaShortfallGpus: {
            type: 'number',
          },
          namespaceQuotaShortfallGpus: {
            type: 'number',
          },
          maxReplicasTooLow: {
            type: 'boolean',
          },
          today: {
            $ref: '#/components/schemas/HeadroomToday',
          },
          actions: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/HeadroomAction',
            },
          },
          pools: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/PoolCapacity',
            },
          },
          explanation: {
            type: 'string',
          },
        },
      },
      NothingRunning: {
        type: 'object',
        description:
          'Why an entity shows no workload, so a page never reads "Healthy, 0 workloads".',
        required: ['state', 'message', 'clusters'],
        properties: {
          state: {
            type: 'string',
            enum: ['linking', 'not-running'],
            description:
              '`linking`: a new entity whose workload is not seen yet or clusters still syncing; `not-running`: nothing runs for it where the backend looked.',
          },
          message: {
            type: 'string',
          },
          clusters: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
        },
      },
      EntityInferenceSummary: {
        type: 'object',
        description: "Everything the entity page's cards show, in one call.",
        required: [
          'entityRef',
          'workloads',
          'findings',
          'cost',
          'quota',
          'clusters',
          'generatedAt',
        ],
        properties: {
          entityRef: {
            type: 'string',
          },
          owner: {
            type: 'string',
          },
          workloads: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/InferenceWorkload',
            },
          },
          findings: {
            type: 'array',
            description: 'Findings of all workloads, most severe first.',
            items: {
              $ref: '#/components/schemas/Finding',
            },
          },
          cost: {
            $ref: '#/components/schemas/CostWindows',
          },
          capacity: {
            $ref: '#/components/schemas/HeadroomVerdict',
          },
          quota: {
            type: 'array',
            description:
              "The owner's quota lines for the GPU types the workloads use.",
            items: {
              $ref: '#/components/schemas/QuotaStanding',
            },
          },
          clusters: {
            type: 'array',
            description:
              'Clusters the workloads run in, so stale data is visible.',
            items: {
              $ref: '#/components/schemas/ClusterStatus',
            },
          },
          nothingRunning: {
            $ref: '#/components/schemas/NothingRunning',
          },
          generatedAt: {
            type: 'string',
          },
        },
      },
      PolicyViolation: {
        type: 'object',
        description: 'A rule a workload breaks, for the governance page.',
        required: ['kind', 'message'],
        properties: {
          kind: {
            type: 'string',
            enum: [
              'over-quota',
              'tag-only-image',
              'unowned-workload',
              'no-autoscaler-ceiling',
              'driver-incompatible',
            ],
          },
          workloadId: {
            type: 'string',
          },
          owner: {
            type: 'string',
          },
          message: {
            type: 'string',
          },
        },
      },
      IdleSpender: {
        type: 'object',
        description: 'Idle spend of one owner or service over a window.',
        required: ['ref', 'costUsd', 'idleCostUsd', 'idlePercent'],
        properties: {
          ref: {
            type: 'string',
            description:
              'Owner group or entity ref (or the workload id when nothing links it).',
          },
          costUsd: {
            type: 'number',
          },
          idleCostUsd: {
            type: 'number',
          },
          idlePercent: {
            type: 'number',
          },
        },
      },
      PlatformOverview: {
        type: 'object',
        description: "The platform team's page.",
        required: [
          'clusters',
          'capacity',
          'quotas',
          'violations',
          'spend',
          'idleByOwner',
          'idleByService',
          'workloads',
          'generatedAt',
        ],
        properties: {
          clusters: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/ClusterStatus',
            },
          },
          capacity: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/ClusterCapacity',
            },
          },
          quotas: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/QuotaStanding',
            },
          },
          violations: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/PolicyViolation',
            },
          },
          spend: {
            $ref: '#/components/schemas/CostWindows',
          },
          idleByOwner: {
            type: 'array',
            description: 'Idle spend over the last 30 days, largest first.',
            items: {
              $ref: '#/components/schemas/IdleSpender',
            },
          },
          idleByService: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/IdleSpender',
            },
          },
          workloads: {
            type: 'object',
            required: [
              'total',
              'healthy',
              'warning',
              'critical',
              'gpusCharged',
            ],
            properties: {
              total: {
                type: 'integer',
              },
              healthy: {
                type: 'integer',
              },
              warning: {
                type: 'integer',
              },
              critical: {
                type: 'integer',
              },
              gpusCharged: {
                type: 'number',
              },
            },
          },
          generatedAt: {
            type: 'string',
          },
        },
      },
      ClusterPlatformSettings: {
        type: 'object',
        description:
          'Platform settings of a cluster as the templates use them (inference.platform).',
        required: [
          'prometheusUrl',
          'monitoringNamespace',
          'ingress',
          'httpAddOn',
          'apiServerCidrs',
          'modelCache',
          'downloadMiBps',
          'loadMiBps',
          'engineInitSeconds',
          'nodeLaunchSeconds',
          'podSecurity',
        ],
        properties: {
          prometheusUrl: {
            type: 'string',
          },
          monitoringNamespace: {
            type: 'string',
          },
          ingress: {
            type: 'object',
            required: ['namespace', 'className', 'domain'],
            properties: {
              namespace: {
                type: 'string',
              },
              className: {
                type: 'string',
              },
              domain: {
                type: 'string',
              },
            },
          },
          httpAddOn: {
            type: 'object',
            required: ['namespace', 'interceptorService', 'interceptorPort'],
            properties: {
              namespace: {
                type: 'string',
              },
              interceptorService: {
                type: 'string',
              },
              interceptorPort: {
                type: 'integer',
              },
            },
          },
          apiServerCidrs: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          modelCache: {
            type: 'object',
            required: ['mode', 'storageClassName', 'accessMode'],
            properties: {
              mode: {
                type: 'string',
                enum: ['shared', 'per-replica', 'node-local'],
              },
              storageClassName: {
                type: 'string',
              },
              accessMode: {
                type: 'string',
                enum: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'],
              },
            },
          },
          downloadMiBps: {
            type: 'number',
          },
          loadMiBps: {
            type: 'number',
          },
          engineInitSeconds: {
            type: 'number',
          },
          nodeLaunchSeconds: {
            type: 'number',
          },
          podSecurity: {
            type: 'string',
            enum: ['privileged', 'baseline', 'restricted'],
          },
        },
      },
      ClusterPlatformResponse: {
        type: 'object',
        description:
          "A cluster's platform settings, in words, and where each comes from (its config key, or the source of the built-in default), keyed by setting path (e.g. `ingress.domain`).",
        required: ['cluster', 'settings', 'summary', 'sources'],
        properties: {
          cluster: {
            type: 'string',
          },
          settings: {
            $ref: '#/components/schemas/ClusterPlatformSettings',
          },
          summary: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          sources: {
            type: 'object',
            additionalProperties: {
              type: 'string',
            },
          },
        },
      },
    },
    responses: {
      Error: {
        description: 'An error with its name and message',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
      TooManyRequests: {
        description:
          'The caller made more writes than inference.rateLimit.writesPerMinute allows; the Retry-After header says in how many seconds to try again',
        headers: {
          'Retry-After': {
            schema: {
              type: 'integer',
              minimum: 1,
            },
          },
        },
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
      StoreUnavailable: {
        description:
          'The inference store (database) is unreachable. One rule for every route that reads or writes the store: it answers this 503, a ServiceUnavailableError whose message says since when ("The inference store (database) is unreachable since <time>; retrying"), never a cached answer, until the backend reaches the database again; Retry-After says in how many seconds to try again. A write answered 503 was not made. /health says degraded meanwhile; /clusters and /clusters/{cluster}/platform, which read no store, answer as usual.',
        headers: {
          'Retry-After': {
            schema: {
              type: 'integer',
              minimum: 1,
            },
          },
        },
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
    },
  },
  paths: {
    '/health': {
      get: {
        operationId: 'GetHealth',
        description:
          'State of the backend and its store: status and whether the database is reachable (503 with status degraded while it is not); the database engine and latest migration only to admins (holders of inference.quota.update).',
        responses: {
          '200': {
            description: 'Healthy',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/InferenceHealthResponse',
                },
              },
            },
          },
          '503': {
            description: 'Degraded: the store is unreachable',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/InferenceHealthResponse',
                },
              },
            },
          },
        },
      },
    },
    '/entities/{kind}/{namespace}/{name}/summary': {
      get: {
        operationId: 'GetEntitySummary',
        description:
          "Everything an entity page shows: workloads with health findings, cost over 7 and 30 days with idle share and the SaaS comparison, the capacity verdict at 10x load and the owner's quota standing.",
        parameters: [
          {
            $ref: '#/components/parameters/entityKind',
          },
          {
            $ref: '#/components/parameters/entityNamespace',
          },
          {
            $ref: '#/components/parameters/entityName',
          },
          {
            name: 'loadMultiplier',
            in: 'query',
            schema: {
              type: 'string',
              pattern: '^[0-9]{1,3}(\\.[0-9]{1,2})?$',
            },
          },
        ],
        responses: {
          '200': {
            description: 'The entity summary',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/EntityInferenceSummary',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '404': {
            $ref: '#/components/responses/Error',
          },
          '503': {
            $ref: '#/components/responses/StoreUnavailable',
          },
        },
      },
    },
    '/workloads': {
      get: {
        operationId: 'ListWorkloads',
        parameters: [
          {
            name: 'cluster',
            in: 'query',
            schema: {
              type: 'string',
              maxLength: 253,
            },
          },
          {
            name: 'owner',
            in: 'query',
            schema: {
              $ref: '#/components/schemas/EntityRef',
            },
          },
          {
            name: 'gpuType',
            in: 'query',
            schema: {
              $ref: '#/components/schemas/GpuType',
            },
          },
          {
            name: 'health',
            in: 'query',
            schema: {
              type: 'string',
              enum: ['healthy', 'warning', 'critical'],
            },
          },
        ],
        responses: {
          '200': {
            description: 'The workloads',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/WorkloadList',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '503': {
            $ref: '#/components/responses/StoreUnavailable',
          },
        },
      },
    },
    '/clusters': {
      get: {
        operationId: 'ListClusters',
        description:
          'Watch status and GPU capacity (allocatable, allocated, free, growth room) per pool and GPU type. lastError is a category (unreachable, timed out, TLS certificate rejected, unauthorised (401), forbidden (403), ...); the backend log has the full error.',
        responses: {
          '200': {
            description: 'The clusters',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ClusterList',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/clusters/{cluster}/platform': {
      get: {
        operationId: 'GetClusterPlatform',
        description:
          'Platform settings of a tracked cluster as the templates use them (inference.platform: Prometheus URL, monitoring, ingress and KEDA HTTP add-on namespaces, model cache, download rate, Pod Security level), a summary in words, and the source of each setting (its config key, or where the built-in default comes from). 404 for a cluster the backend does not track.',
        parameters: [
          {
            name: 'cluster',
            in: 'path',
            required: true,
            schema: {
              type: 'string',
              pattern: '^[A-Za-z0-9]([-A-Za-z0-9.]{0,253})?$',
            },
          },
        ],
        responses: {
          '200': {
            description: "The cluster's platform settings",
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ClusterPlatformResponse',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '403': {
            $ref: '#/components/responses/Error',
          },
          '404': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/quotas': {
      get: {
        operationId: 'ListQuotas',
        description:
          "Quota lines per owner and GPU type: limit, used (at autoscaler ceiling), reserved, headroom, and exceedsCapacity ({ capacity, limit }) when the limit is above what the fleet's pools of that GPU type can hold.",
        parameters: [
          {
            name: 'owner',
            in: 'query',
            schema: {
              $ref: '#/components/schemas/EntityRef',
            },
          },
        ],
        responses: {
          '200': {
            description: 'The quota lines',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/QuotaStandingList',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '503': {
            $ref: '#/components/responses/StoreUnavailable',
          },
        },
      },
    },
    '/quotas/{owner}/{gpuType}': {
      put: {
        operationId: 'UpdateQuota',
        description:
          "Sets an owner's GPU limit for one GPU type. Needs inference.quota.update. The owner must be a Group of the catalog and the GPU type one of the GPU catalog or of a tracked pool (MIG profiles as <product>-MIG-<profile>); otherwise a 400 names the field.",
        parameters: [
          {
            $ref: '#/components/parameters/ownerRef',
          },
          {
            $ref: '#/components/parameters/gpuType',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/UpdateQuota',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The quota line as stored',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/QuotaLimitRecord',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '403': {
            $ref: '#/components/responses/Error',
          },
          '429': {
            $ref: '#/components/responses/TooManyRequests',
          },
          '503': {
            $ref: '#/components/responses/StoreUnavailable',
          },
        },
      },
      delete: {
        operationId: 'RemoveQuota',
        description:
          "Removes an owner's quota line for one GPU type (any line, also one whose owner or GPU type is not valid), with the removal in the line's audit log (new limit null). Needs inference.quota.update. 409 while GPUs of the line are held (charged to running workloads or by pending reservations), naming them, unless force=true: then what runs keeps running without a quota and new reservations of the line are refused. 404 when there is no such line.",
        parameters: [
          {
            $ref: '#/components/parameters/ownerRef',
          },
          {
            $ref: '#/components/parameters/gpuType',
          },
          {
            name: 'force',
            in: 'query',
            schema: {
              type: 'string',
              enum: ['true', 'false'],
            },
          },
          {
            name: 'reason',
            in: 'query',
            description: 'Why, for the audit log.',
            schema: {
              type: 'string',
              maxLength: 1000,
            },
          },
        ],
        responses: {
          '200': {
            description: 'The removed quota line',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/QuotaRemoval',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '403': {
            $ref: '#/components/responses/Error',
          },
          '404': {
            $ref: '#/components/responses/Error',
          },
          '409': {
            $ref: '#/components/responses/Error',
          },
          '429': {
            $ref: '#/components/responses/TooManyRequests',
          },
          '503': {
            $ref: '#/components/responses/StoreUnavailable',
          },
        },
      },
    },
    '/quotas/{owner}/{gpuType}/audit': {
      get: {
        operationId: 'GetQuotaAudit',
        description: 'Changes of the quota, oldest first, in pages.',
        parameters: [
          {
            $ref: '#/components/parameters/ownerRef',
          },
          {
            $ref: '#/components/parameters/gpuType',
          },
          {
            $ref: '#/components/parameters/limit',
          },
          {
            $ref: '#/components/parameters/cursor',
          },
        ],
        responses: {
          '200': {
            description: 'One page of the audit log',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/QuotaAuditPage',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '503': {
            $ref: '#/components/responses/StoreUnavailable',
          },
        },
      },
    },
    '/reservations': {
      get: {
        operationId: 'ListReservations',
        description: 'Reservations, newest first, in pages.',
        parameters: [
          {
            name: 'owner',
            in: 'query',
            schema: {
              $ref: '#/components/schemas/EntityRef',
            },
          },
          {
            name: 'state',
            in: 'query',
            schema: {
              type: 'string',
              enum: ['pending', 'confirmed', 'released', 'expired'],
            },
          },
          {
            $ref: '#/components/parameters/limit',
          },
          {
            $ref: '#/components/parameters/cursor',
          },
        ],
        responses: {
          '200': {
            description: 'One page of reservations',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ReservationPage',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '503': {
            $ref: '#/components/responses/StoreUnavailable',
          },
        },
      },
      post: {
        operationId: 'CreateReservation',
        description:
          "Reserves GPUs of the owner's quota if used + reserved + requested <= limit (checked and written atomically). An idempotency key belongs to its caller and owner: the same caller repeating it for the same owner gets the first reservation back (200); anyone else's use of the same key is a separate request. 409 when the quota would be exceeded. Users act for the groups they are members of; services only when inference.servicePrincipals grants them actForAnyTeam.",
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/CreateReservation',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The reservation first made with this idempotency key',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Reservation',
                },
              },
            },
          },
          '201': {
            description: 'The new reservation',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Reservation',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '403': {
            $ref: '#/components/responses/Error',
          },
          '409': {
            $ref: '#/components/responses/Error',
          },
          '429': {
            $ref: '#/components/responses/TooManyRequests',
          },
          '503': {
            $ref: '#/components/responses/StoreUnavailable',
          },
        },
      },
    },
    '/reservations/{id}': {
      get: {
        operationId: 'GetReservation',
        description:
          'One reservation by id (what apply checks before deploying GPUs), whatever its age.',
        parameters: [
          {
            $ref: '#/components/parameters/reservationId',
          },
        ],
        responses: {
          '200': {
            description: 'The reservation',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Reservation',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '403': {
            $ref: '#/components/responses/Error',
          },
          '404': {
            $ref: '#/components/responses/Error',
          },
          '503': {
            $ref: '#/components/responses/StoreUnavailable',
          },
        },
      },
    },
    '/reservations/{id}/release': {
      post: {
        operationId: 'ReleaseReservation',
        description:
          "Gives pending GPUs back. Allowed to the requester, the owner group's members, services and holders of inference.quota.update.",
        parameters: [
          {
            $ref: '#/components/parameters/reservationId',
          },
        ],
        responses: {
          '200': {
            description: 'The released reservation',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Reservation',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '403': {
            $ref: '#/components/responses/Error',
          },
          '404': {
            $ref: '#/components/responses/Error',
          },
          '409': {
            $ref: '#/components/responses/Error',
          },
          '429': {
            $ref: '#/components/responses/TooManyRequests',
          },
          '503': {
            $ref: '#/components/responses/StoreUnavailable',
          },
        },
      },
    },
    '/usage': {
      get: {
        operationId: 'GetUsage',
        description:
          'GPU usage history for charts, per day (from roll-ups) or per hour (from raw samples). Bounded: hourly at most 2 days for the whole fleet and 7 days narrowed by entityRef or owner; daily at most 92 days for the whole fleet. A longer window is a 400 naming days. days defaults to 2 (hour) or 30 (day).',
        parameters: [
          {
            name: 'entityRef',
            in: 'query',
            schema: {
              $ref: '#/components/schemas/EntityRef',
            },
          },
          {
            name: 'owner',
            in: 'query',
            schema: {
              $ref: '#/components/schemas/EntityRef',
            },
          },
          {
            name: 'days',
            in: 'query',
            schema: {
              type: 'string',
              pattern: '^([1-9]|[1-9][0-9]|[1-3][0-9][0-9])$',
            },
          },
          {
            name: 'granularity',
            in: 'query',
            schema: {
              type: 'string',
              enum: ['hour', 'day'],
            },
          },
        ],
        responses: {
          '200': {
            description: 'The usage history',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/UsageHistory',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '503': {
            $ref: '#/components/responses/StoreUnavailable',
          },
        },
      },
    },
    '/platform': {
      get: {
        operationId: 'GetPlatformOverview',
        description:
          'Totals for the governance page - spend and idle share, quota use, capacity, violations, top idle spenders.',
        responses: {
          '200': {
            description: 'The platform overview',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/PlatformOverview',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '503': {
            $ref: '#/components/responses/StoreUnavailable',
          },
        },
      },
    },
  },
} as const;
