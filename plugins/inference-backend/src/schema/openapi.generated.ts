// Generated from openapi.yaml by scripts/generate-spec.mjs (npm run generate:spec). Do not edit.
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
      Json: {
        type: 'object',
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
      Json: {
        description: 'The answer',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Json',
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
      Page: {
        description:
          'One page: `items`, `totalCount` (items of every page) and `nextCursor` (absent on the last page; pass it as `cursor` for the next one)',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Json',
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
            $ref: '#/components/responses/Json',
          },
          '503': {
            $ref: '#/components/responses/Json',
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
            $ref: '#/components/responses/Json',
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
            $ref: '#/components/responses/Json',
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
            $ref: '#/components/responses/Json',
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
            $ref: '#/components/responses/Json',
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
            $ref: '#/components/responses/Json',
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
            $ref: '#/components/responses/Json',
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
            $ref: '#/components/responses/Json',
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
            $ref: '#/components/responses/Page',
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
            $ref: '#/components/responses/Page',
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
            $ref: '#/components/responses/Json',
          },
          '201': {
            $ref: '#/components/responses/Json',
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
            $ref: '#/components/responses/Json',
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
            $ref: '#/components/responses/Json',
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
            $ref: '#/components/responses/Json',
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
            $ref: '#/components/responses/Json',
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
