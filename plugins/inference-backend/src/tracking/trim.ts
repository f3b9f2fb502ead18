/**
 * Trimming of watched objects before they are cached: only the fields the domain model reads are kept, so the
 * cache of a fleet stays small (no managedFields, no full specs, no Normal events).
 */

type Json = Record<string, any>;

const KEPT_ANNOTATION =
  /^(backstage\.io|inference-platform\.io)\/|^serving\.kserve\.io\/deploymentMode$/;
const KEPT_NODE_LABEL =
  /^(nvidia\.com\/|karpenter\.sh\/|node\.kubernetes\.io\/instance-type$|topology\.kubernetes\.io\/|cloud\.google\.com\/gke-nodepool$|eks\.amazonaws\.com\/nodegroup$|kubernetes\.azure\.com\/agentpool$)/;
const KEPT_RESOURCE =
  /^(nvidia\.com\/|amd\.com\/gpu$|cpu$|memory$|requests\.nvidia\.com\/|limits\.nvidia\.com\/)/;
const GPU_PRODUCT_LABEL = 'nvidia.com/gpu.product';
const MAX_MESSAGE = 4096;

function pick<T extends Json>(
  source: T | undefined,
  keep: (key: string) => boolean,
): T | undefined {
  if (!source) return undefined;
  const out: Json = {};
  for (const [key, value] of Object.entries(source)) {
    if (keep(key)) out[key] = value;
  }
  return Object.keys(out).length ? (out as T) : undefined;
}

function metadata(
  raw: Json,
  options: { labels?: (key: string) => boolean } = {},
): Json {
  const m = raw.metadata ?? {};
  return {
    name: m.name,
    namespace: m.namespace,
    uid: m.uid,
    labels: options.labels ? pick(m.labels, options.labels) : m.labels,
    annotations: pick(m.annotations, k => KEPT_ANNOTATION.test(k)),
    creationTimestamp: m.creationTimestamp,
    deletionTimestamp: m.deletionTimestamp,
    ownerReferences: m.ownerReferences?.map((o: Json) => ({
      kind: o.kind,
      name: o.name,
      uid: o.uid,
    })),
  };
}

function resources(r: Json | undefined): Json | undefined {
  if (!r) return undefined;
  return {
    limits: pick(r.limits, k => KEPT_RESOURCE.test(k)),
    requests: pick(r.requests, k => KEPT_RESOURCE.test(k)),
  };
}

function truncate(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

/** GPU products a pod spec pins through required node affinity (`In` on nvidia.com/gpu.product). */
function affinityGpuProducts(spec: Json): string[] | undefined {
  const terms: Json[] =
    spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
      ?.nodeSelectorTerms ?? [];
  const products = terms.flatMap(term =>
    (term.matchExpressions ?? [])
      .filter((e: Json) => e.key === GPU_PRODUCT_LABEL && e.operator === 'In')
      .flatMap((e: Json) => e.values ?? []),
  );
  return products.length ? products : undefined;
}

/** A pod spec reduced to scheduling, images, arguments and GPU resources. */
export function trimPodSpec(spec: Json | undefined): Json | undefined {
  if (!spec) return undefined;
  return {
    nodeName: spec.nodeName,
    nodeSelector: spec.nodeSelector,
    gpuProductAffinity: affinityGpuProducts(spec),
    tolerations: spec.tolerations?.filter((t: Json) =>
      t.key?.startsWith('nvidia.com'),
    ),
    containers: (spec.containers ?? []).map((c: Json) => ({
      name: c.name,
      image: c.image,
      command: c.command,
      args: c.args,
      resources: resources(c.resources),
      terminationMessagePolicy: c.terminationMessagePolicy,
      ports: c.ports?.map((p: Json) => ({
        name: p.name,
        containerPort: p.containerPort,
      })),
    })),
  };
}

function containerStatus(s: Json): Json {
  const state = (st: Json | undefined) =>
    st && {
      waiting: st.waiting && {
        reason: st.waiting.reason,
        message: truncate(st.waiting.message),
      },
      running: st.running && { startedAt: st.running.startedAt },
      terminated: st.terminated && {
        reason: st.terminated.reason,
        exitCode: st.terminated.exitCode,
        signal: st.terminated.signal,
        message: truncate(st.terminated.message),
        startedAt: st.terminated.startedAt,
        finishedAt: st.terminated.finishedAt,
      },
    };
  return {
    name: s.name,
    ready: s.ready,
    started: s.started,
    restartCount: s.restartCount,
    image: s.image,
    state: state(s.state),
    lastState: state(s.lastState),
  };
}

function podTemplate(template: Json | undefined): Json | undefined {
  if (!template) return undefined;
  return {
    metadata: { labels: template.metadata?.labels },
    spec: trimPodSpec(template.spec),
  };
}

const trimmers: Record<string, (raw: Json) => Json | undefined> = {
  pods: raw => ({
    metadata: metadata(raw),
    spec: trimPodSpec(raw.spec),
    status: raw.status && {
      phase: raw.status.phase,
      reason: raw.status.reason,
      message: truncate(raw.status.message),
      startTime: raw.status.startTime,
      podIP: raw.status.podIP,
      conditions: raw.status.conditions?.map((c: Json) => ({
        type: c.type,
        status: c.status,
        reason: c.reason,
        message: truncate(c.message),
        lastTransitionTime: c.lastTransitionTime,
      })),
      containerStatuses: raw.status.containerStatuses?.map(containerStatus),
      initContainerStatuses:
        raw.status.initContainerStatuses?.map(containerStatus),
    },
  }),
  // only warnings explain failures; Normal events would multiply the cache for nothing
  events: raw =>
    raw.type !== 'Warning'
      ? undefined
      : {
          metadata: {
            name: raw.metadata?.name,
            namespace: raw.metadata?.namespace,
          },
          type: raw.type,
          reason: raw.reason,
          message: truncate(raw.message),
          count: raw.count ?? raw.series?.count,
          involvedObject: raw.involvedObject && {
            kind: raw.involvedObject.kind,
            name: raw.involvedObject.name,
            namespace: raw.involvedObject.namespace,
            uid: raw.involvedObject.uid,
          },
          source: raw.source && {
            component: raw.source.component,
            host: raw.source.host,
          },
          firstTimestamp: raw.firstTimestamp,
          lastTimestamp: raw.lastTimestamp,
          eventTime: raw.eventTime,
        },
  nodes: raw => ({
    metadata: metadata(raw, { labels: k => KEPT_NODE_LABEL.test(k) }),
    spec: raw.spec && {
      unschedulable: raw.spec.unschedulable,
      taints: raw.spec.taints,
    },
    status: raw.status && {
      capacity: pick(raw.status.capacity, k => KEPT_RESOURCE.test(k)),
      allocatable: pick(raw.status.allocatable, k => KEPT_RESOURCE.test(k)),
      conditions: raw.status.conditions
        ?.filter((c: Json) => c.type === 'Ready')
        .map((c: Json) => ({ type: c.type, status: c.status })),
    },
  }),
  resourcequotas: raw => ({
    metadata: metadata(raw),
    spec: { hard: raw.spec?.hard },
    status: raw.status && { hard: raw.status.hard, used: raw.status.used },
  }),
  deployments: raw => ({
    metadata: metadata(raw),
    spec: raw.spec && {
      replicas: raw.spec.replicas,
      template: podTemplate(raw.spec.template),
    },
    status: raw.status && {
      replicas: raw.status.replicas,
      readyReplicas: raw.status.readyReplicas,
      availableReplicas: raw.status.availableReplicas,
      updatedReplicas: raw.status.updatedReplicas,
    },
  }),
  replicasets: raw => ({
    metadata: metadata(raw),
    spec: raw.spec && { replicas: raw.spec.replicas },
    status: raw.status && {
      replicas: raw.status.replicas,
      readyReplicas: raw.status.readyReplicas,
    },
  }),
  horizontalpodautoscalers: raw => ({
    metadata: metadata(raw),
    spec: raw.spec && {
      scaleTargetRef: raw.spec.scaleTargetRef,
      minReplicas: raw.spec.minReplicas,
      maxReplicas: raw.spec.maxReplicas,
    },
    status: raw.status && {
      currentReplicas: raw.status.currentReplicas,
      desiredReplicas: raw.status.desiredReplicas,
    },
  }),
  scaledobjects: raw => ({
    metadata: metadata(raw),
    spec: raw.spec && {
      scaleTargetRef: raw.spec.scaleTargetRef,
      minReplicaCount: raw.spec.minReplicaCount,
      maxReplicaCount: raw.spec.maxReplicaCount,
      idleReplicaCount: raw.spec.idleReplicaCount,
      triggers: raw.spec.triggers?.map((t: Json) => ({
        type: t.type,
        metadata: t.metadata && {
          query: t.metadata.query,
          threshold: t.metadata.threshold,
        },
      })),
    },
  }),
  nodepools: raw => ({
    metadata: metadata(raw),
    spec: raw.spec && {
      limits: raw.spec.limits,
      template: {
        metadata: { labels: raw.spec.template?.metadata?.labels },
        spec: { requirements: raw.spec.template?.spec?.requirements },
      },
      disruption: raw.spec.disruption,
    },
    status: raw.status && { resources: raw.status.resources },
  }),
  inferenceservices: raw => ({
    metadata: metadata(raw),
    spec: raw.spec && {
      predictor: raw.spec.predictor && {
        minReplicas: raw.spec.predictor.minReplicas,
        maxReplicas: raw.spec.predictor.maxReplicas,
        model: raw.spec.predictor.model && {
          modelFormat: raw.spec.predictor.model.modelFormat,
          storageUri: raw.spec.predictor.model.storageUri,
          args: raw.spec.predictor.model.args,
          image: raw.spec.predictor.model.image,
          resources: resources(raw.spec.predictor.model.resources),
        },
      },
    },
  }),
};
trimmers.statefulsets = trimmers.deployments;
trimmers.leaderworkersets = raw => ({
  metadata: metadata(raw),
  spec: raw.spec && {
    replicas: raw.spec.replicas,
    leaderWorkerTemplate: raw.spec.leaderWorkerTemplate && {
      size: raw.spec.leaderWorkerTemplate.size,
      leaderTemplate: podTemplate(raw.spec.leaderWorkerTemplate.leaderTemplate),
      workerTemplate: podTemplate(raw.spec.leaderWorkerTemplate.workerTemplate),
    },
  },
  status: raw.status && {
    replicas: raw.status.replicas,
    readyReplicas: raw.status.readyReplicas,
  },
});

/** Trims an object of the given tracked resource; `undefined` means "do not cache". */
export function trimObject(resourceId: string, raw: Json): Json | undefined {
  const trimmer = trimmers[resourceId];
  if (!trimmer) throw new Error(`No trimmer for ${resourceId}`);
  return dropUndefined(trimmer(raw));
}

// JSON.stringify drops undefined, but keeping them costs a hidden-class slot per field in V8
// (a for-in loop: this runs for every watch event, and Object.entries allocates an array per object)
function dropUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(dropUndefined) as T;
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const k in value) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
      const v = (value as Json)[k];
      if (v !== undefined) out[k] = dropUndefined(v);
    }
    return out as T;
  }
  return value;
}
