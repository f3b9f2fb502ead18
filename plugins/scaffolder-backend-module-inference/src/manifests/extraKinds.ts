import Ajv, { ErrorObject } from 'ajv';
import { PodTemplateSpec } from 'kubernetes-models/v1';

// The fields of the LeaderWorkerSet (leaderworkerset.x-k8s.io/v1), KServe InferenceService (serving.kserve.io/v1beta1)
// and Karpenter NodePool (karpenter.sh/v1) CRDs that the templates set: no generated models exist for the first two,
// and @kubernetes-models/karpenter (2.0.0, the only release) is ESM-only for Node >= 22. Pod templates inside are
// validated with kubernetes-models' PodTemplateSpec.
const ajv = new Ajv({ allErrors: true, strict: false });

const metadata = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1 },
    namespace: { type: 'string' },
    labels: { type: 'object' },
  },
};

const leaderWorkerSet = ajv.compile({
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    metadata,
    spec: {
      type: 'object',
      required: ['leaderWorkerTemplate'],
      properties: {
        replicas: { type: 'integer', minimum: 0 },
        startupPolicy: { enum: ['LeaderCreated', 'LeaderReady'] },
        leaderWorkerTemplate: {
          type: 'object',
          required: ['size', 'workerTemplate'],
          properties: {
            size: { type: 'integer', minimum: 1 },
            restartPolicy: {
              enum: ['RecreateGroupOnPodRestart', 'None', 'Default'],
            },
            leaderTemplate: { type: 'object' },
            workerTemplate: { type: 'object' },
          },
        },
      },
    },
  },
});

const inferenceService = ajv.compile({
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    metadata,
    spec: {
      type: 'object',
      required: ['predictor'],
      properties: {
        predictor: {
          type: 'object',
          properties: {
            minReplicas: { type: 'integer', minimum: 0 },
            maxReplicas: { type: 'integer', minimum: 0 },
            model: {
              type: 'object',
              required: ['modelFormat'],
              properties: {
                modelFormat: {
                  type: 'object',
                  required: ['name'],
                  properties: { name: { type: 'string' } },
                },
                storageUri: { type: 'string' },
                args: { type: 'array', items: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  },
});

const nodePool = ajv.compile({
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    metadata,
    spec: {
      type: 'object',
      required: ['template'],
      properties: {
        template: {
          type: 'object',
          required: ['spec'],
          properties: {
            metadata: {
              type: 'object',
              properties: { labels: { type: 'object' } },
            },
            spec: {
              type: 'object',
              required: ['nodeClassRef', 'requirements'],
              properties: {
                nodeClassRef: {
                  type: 'object',
                  required: ['group', 'kind', 'name'],
                  properties: {
                    group: { type: 'string' },
                    kind: { type: 'string' },
                    name: { type: 'string' },
                  },
                },
                requirements: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['key', 'operator'],
                    properties: {
                      key: { type: 'string' },
                      operator: {
                        enum: [
                          'In',
                          'NotIn',
                          'Exists',
                          'DoesNotExist',
                          'Gt',
                          'Lt',
                        ],
                      },
                      values: { type: 'array', items: { type: 'string' } },
                    },
                  },
                },
                taints: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['key', 'effect'],
                    properties: {
                      effect: {
                        enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'],
                      },
                    },
                  },
                },
                expireAfter: {
                  type: 'string',
                  pattern: '^(Never|([0-9]+(s|m|h))+)$',
                },
              },
            },
          },
        },
        disruption: {
          type: 'object',
          properties: {
            consolidationPolicy: {
              enum: ['WhenEmpty', 'WhenEmptyOrUnderutilized'],
            },
            consolidateAfter: {
              type: 'string',
              pattern: '^(Never|([0-9]+(s|m|h))+)$',
            },
            budgets: { type: 'array' },
          },
        },
        limits: {
          type: 'object',
          additionalProperties: { type: ['string', 'integer'] },
        },
        weight: { type: 'integer', minimum: 1, maximum: 100 },
      },
    },
  },
});

// KEDA HTTP add-on HTTPScaledObject (http.keda.sh/v1alpha1, kedacore/http-add-on docs/ref/v0.10.0/http_scaled_object.md):
// no generated model exists for it
const duration = {
  type: 'string',
  pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$',
};
const httpScaledObject = ajv.compile({
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    metadata,
    spec: {
      type: 'object',
      required: ['scaleTargetRef'],
      additionalProperties: false,
      properties: {
        hosts: { type: 'array', items: { type: 'string', minLength: 1 } },
        pathPrefixes: { type: 'array', items: { type: 'string' } },
        scaleTargetRef: {
          type: 'object',
          required: ['name', 'service', 'port'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1 },
            kind: { type: 'string' },
            apiVersion: { type: 'string' },
            service: { type: 'string', minLength: 1 },
            port: { type: 'integer', minimum: 1, maximum: 65535 },
          },
        },
        replicas: {
          type: 'object',
          additionalProperties: false,
          properties: {
            min: { type: 'integer', minimum: 0 },
            max: { type: 'integer', minimum: 1 },
          },
        },
        scaledownPeriod: { type: 'integer', minimum: 0 },
        targetPendingRequests: { type: 'integer', minimum: 1 },
        scalingMetric: {
          type: 'object',
          additionalProperties: false,
          properties: {
            concurrency: {
              type: 'object',
              properties: { targetValue: { type: 'integer', minimum: 1 } },
            },
            requestRate: {
              type: 'object',
              properties: {
                targetValue: { type: 'integer', minimum: 1 },
                granularity: duration,
                window: duration,
              },
            },
          },
        },
        timeouts: {
          type: 'object',
          additionalProperties: false,
          properties: { conditionWait: duration, responseHeader: duration },
        },
        coldStartTimeoutFailoverRef: { type: 'object' },
        initialCooldownPeriod: { type: 'integer', minimum: 0 },
      },
    },
  },
});

function problems(errors: ErrorObject[] | null | undefined) {
  return (errors ?? []).map(e => ({
    path: e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(root)',
    message: e.message ?? 'is invalid',
  }));
}

function podTemplate(template: unknown, path: string) {
  if (!template) return [];
  try {
    new PodTemplateSpec(template as any).validate();
    return [];
  } catch (error: any) {
    return [{ path, message: String(error?.message ?? error) }];
  }
}

/** Problems of a LeaderWorkerSet, InferenceService, HTTPScaledObject or NodePool; undefined for other kinds. */
export function validateExtraKinds(doc: Record<string, any>) {
  if (
    doc.apiVersion === 'leaderworkerset.x-k8s.io/v1' &&
    doc.kind === 'LeaderWorkerSet'
  ) {
    leaderWorkerSet(doc);
    return [
      ...problems(leaderWorkerSet.errors),
      ...podTemplate(
        doc.spec?.leaderWorkerTemplate?.leaderTemplate,
        'spec.leaderWorkerTemplate.leaderTemplate',
      ),
      ...podTemplate(
        doc.spec?.leaderWorkerTemplate?.workerTemplate,
        'spec.leaderWorkerTemplate.workerTemplate',
      ),
    ];
  }
  if (
    doc.apiVersion === 'http.keda.sh/v1alpha1' &&
    doc.kind === 'HTTPScaledObject'
  ) {
    httpScaledObject(doc);
    return problems(httpScaledObject.errors);
  }
  if (doc.apiVersion === 'karpenter.sh/v1' && doc.kind === 'NodePool') {
    nodePool(doc);
    return problems(nodePool.errors);
  }
  if (
    doc.apiVersion === 'serving.kserve.io/v1beta1' &&
    doc.kind === 'InferenceService'
  ) {
    inferenceService(doc);
    return problems(inferenceService.errors);
  }
  return undefined;
}
