import {
  architectureFromAnnotation,
  ContainerLike,
  containerGpuRequest,
  diagnoseWorkload,
  mergeServingContext,
  ServingContext,
  EventLike,
  GFD_LABELS,
  INFERENCE_ANNOTATIONS,
  InferenceWorkload,
  isPinnedImageReference,
  NodeLike,
  PodLike,
  podGpuTypeKey,
  ServingRuntime,
  SkippedObject,
  workloadCharge,
  WorkloadPod,
} from '@inference-platform/plugin-inference-common';
import type { IContainer, IContainerStatus } from 'kubernetes-models/v1';
import { EntityIndex } from './entityIndex';
import {
  CachedDeployment,
  CachedEvent,
  CachedHorizontalPodAutoscaler,
  CachedInferenceService,
  CachedLeaderWorkerSet,
  CachedNode,
  CachedPod,
  CachedReplicaSet,
  CachedResourceQuota,
  CachedScaledObject,
  CachedStatefulSet,
  Identified,
  namespaceOf,
  PodTemplate,
  TrimmedPodSpec,
} from './kubernetesObjects';
import { namespaceGpuQuotas } from './namespaceQuotas';

const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';
const OWNER_LABEL = 'inference-platform.io/owner';
const MODEL_LABEL = 'inference-platform.io/model';
const ARCHITECTURE_ANNOTATION = INFERENCE_ANNOTATIONS.modelArchitecture;

/** The cached objects of one cluster that workloads are derived from. */
export interface ClusterObjects {
  cluster: string;
  pods: CachedPod[];
  events: CachedEvent[];
  nodes: CachedNode[];
  deployments: CachedDeployment[];
  statefulsets: CachedStatefulSet[];
  replicasets: CachedReplicaSet[];
  horizontalpodautoscalers: CachedHorizontalPodAutoscaler[];
  scaledobjects: CachedScaledObject[];
  inferenceservices: CachedInferenceService[];
  leaderworkersets: CachedLeaderWorkerSet[];
  /** Namespaces' ResourceQuotas, for the GPU quota a workload runs under (absent: not tracked). */
  resourcequotas?: CachedResourceQuota[];
}

type ObjectLists = Omit<ClusterObjects, 'cluster'>;

/** The cluster's objects that have an identity (see {@link withReadableIdentity}). */
type ReadableObjects = { cluster: string } & {
  [List in keyof ObjectLists]: Array<
    Identified<NonNullable<ObjectLists[List]>[number]>
  >;
};

type Pod = Identified<CachedPod>;
type Node = Identified<CachedNode>;
type Event = Identified<CachedEvent>;

/** What a workload's pods serve (model, GPU, vLLM flags and release), read from its objects. */
export type WorkloadServing = ServingContext;

/** A workload's root object, by kind (a Deployment a KServe InferenceService owns is shown as that service). */
type RootObject =
  | { kind: 'Deployment'; object: Identified<CachedDeployment> }
  | { kind: 'InferenceService'; object: Identified<CachedInferenceService> }
  | { kind: 'StatefulSet'; object: Identified<CachedStatefulSet> }
  | { kind: 'LeaderWorkerSet'; object: Identified<CachedLeaderWorkerSet> };

type Root = RootObject & {
  template?: PodTemplate;
  desired: number;
  ready: number;
  available?: number;
  pods: Pod[];
  /** Objects that create the pods for the root (its active ReplicaSets), whose events explain missing pods. */
  controllers?: string[];
};

/** How a derivation reports an object it had to leave out. */
export type SkipReporter = (skipped: SkippedObject) => void;

/** Options of {@link deriveWorkloads}. */
export interface DeriveWorkloadsOptions {
  now: Date;
  /** Told what each derived workload serves, for findings that need its metrics too. */
  onServing?: (workloadId: string, serving: WorkloadServing) => void;
  /** Told about every object left out because deriving from it threw; without it they are left out silently. */
  onSkip?: SkipReporter;
}

/** The kind, namespace and name of whatever a cache holds, for a report. */
export function identify(
  kind: string,
  item: unknown,
  reason: string,
): SkippedObject {
  // any value at all: each field is used only when it is a string
  const meta = (
    item as { metadata?: { namespace?: unknown; name?: unknown } } | null
  )?.metadata;
  return {
    kind,
    namespace: typeof meta?.namespace === 'string' ? meta.namespace : undefined,
    name: typeof meta?.name === 'string' ? meta.name : '(unnamed)',
    reason,
  };
}

/** An error as one line of a report. */
export function messageOf(error: unknown): string {
  return error instanceof Error
    ? `${error.name}: ${error.message}`
    : String(error);
}

/**
 * Runs `use` on each item; an item it throws on is reported and left out, so one malformed object cannot stop the
 * derivation of the others.
 */
function eachIsolated<T>(
  items: T[],
  kind: string,
  onSkip: SkipReporter,
  use: (item: T) => void,
): void {
  for (const item of items) {
    try {
      use(item);
    } catch (error) {
      onSkip(identify(kind, item, `could not be derived: ${messageOf(error)}`));
    }
  }
}

/**
 * Derives the inference workloads of one cluster from its watch cache: each GPU-using (or catalog-linked)
 * Deployment, StatefulSet, LeaderWorkerSet or KServe InferenceService, with its pods, autoscaler ceiling, quota
 * charge, owner, entity and diagnosis. Each object is derived on its own: one that throws is reported through
 * `onSkip` and left out, never the cluster.
 */
export function deriveWorkloads(
  cached: ClusterObjects,
  entities: EntityIndex,
  options: DeriveWorkloadsOptions,
): InferenceWorkload[] {
  const onSkip: SkipReporter = options.onSkip ?? (() => {});
  const objects = withReadableIdentity(cached, onSkip);
  const nodes = new Map<string, Node>();
  eachIsolated(objects.nodes, 'Node', onSkip, n => {
    nodes.set(n.metadata.name, n);
  });
  // a pod that cannot be shown is left out of its workload, not the workload itself
  const podViews = new Map<Pod, WorkloadPod>();
  eachIsolated(objects.pods, 'Pod', onSkip, p => {
    podViews.set(p, toWorkloadPod(p, nodes));
  });
  const pods = objects.pods.filter(p => podViews.has(p));
  const podsByOwner = groupBy(pods, 'Pod', onSkip, p =>
    (p.metadata.ownerReferences ?? []).map(
      o => `${p.metadata.namespace}/${o.kind}/${o.name}`,
    ),
  );
  const eventsByObject = groupBy(objects.events, 'Event', onSkip, e =>
    e.involvedObject
      ? [
          `${e.involvedObject.namespace ?? e.metadata?.namespace}/${
            e.involvedObject.name
          }`,
        ]
      : [],
  );
  const replicaSetsByDeployment = groupBy(
    objects.replicasets,
    'ReplicaSet',
    onSkip,
    rs =>
      (rs.metadata.ownerReferences ?? [])
        .filter(o => o.kind === 'Deployment')
        .map(o => `${rs.metadata.namespace}/${o.name}`),
  );
  const isvcByName = groupBy(
    objects.inferenceservices,
    'InferenceService',
    onSkip,
    i => [`${i.metadata.namespace}/${i.metadata.name}`],
  );

  // every workload looks through every autoscaler: one that cannot be read is left out, not the workloads
  const usable: ReadableObjects = {
    ...objects,
    scaledobjects: readableAutoscalers(
      objects.scaledobjects,
      'ScaledObject',
      onSkip,
    ),
    horizontalpodautoscalers: readableAutoscalers(
      objects.horizontalpodautoscalers,
      'HorizontalPodAutoscaler',
      onSkip,
    ),
  };

  const roots: Root[] = [];
  eachIsolated(objects.deployments, 'Deployment', onSkip, deployment => {
    const ns = deployment.metadata.namespace;
    const owner = deployment.metadata.ownerReferences?.find(
      o => o.kind === 'InferenceService',
    );
    const replicaSets =
      replicaSetsByDeployment.get(`${ns}/${deployment.metadata.name}`) ?? [];
    const rootPods = replicaSets.flatMap(
      rs => podsByOwner.get(`${ns}/ReplicaSet/${rs.metadata.name}`) ?? [],
    );
    const isvc = owner && isvcByName.get(`${ns}/${owner.name}`)?.[0];
    const root: RootObject = isvc
      ? { kind: 'InferenceService', object: mergeLabels(isvc, deployment) }
      : { kind: 'Deployment', object: deployment };
    roots.push({
      ...root,
      template: deployment.spec?.template,
      desired: deployment.spec?.replicas ?? 1,
      ready: deployment.status?.readyReplicas ?? 0,
      available: deployment.status?.availableReplicas,
      pods: rootPods,
      // a scaled-down ReplicaSet's old FailedCreate explains nothing
      controllers: replicaSets
        .filter(rs => Number(rs.spec?.replicas ?? 0) > 0)
        .map(rs => rs.metadata.name),
    });
  });
  eachIsolated(objects.statefulsets, 'StatefulSet', onSkip, sts => {
    roots.push({
      kind: 'StatefulSet',
      object: sts,
      template: sts.spec?.template,
      desired: sts.spec?.replicas ?? 1,
      ready: sts.status?.readyReplicas ?? 0,
      pods:
        podsByOwner.get(
          `${sts.metadata.namespace}/StatefulSet/${sts.metadata.name}`,
        ) ?? [],
    });
  });
  eachIsolated(objects.leaderworkersets, 'LeaderWorkerSet', onSkip, lws => {
    const ns = lws.metadata.namespace;
    roots.push({
      kind: 'LeaderWorkerSet',
      object: lws,
      template:
        lws.spec?.leaderWorkerTemplate?.workerTemplate ??
        lws.spec?.leaderWorkerTemplate?.leaderTemplate,
      desired: lws.spec?.replicas ?? 1,
      ready: lws.status?.readyReplicas ?? 0,
      pods: pods.filter(
        p =>
          p.metadata.namespace === ns &&
          p.metadata.labels?.['leaderworkerset.sigs.k8s.io/name'] ===
            lws.metadata.name,
      ),
    });
  });

  const workloads: InferenceWorkload[] = [];
  for (const root of roots) {
    try {
      const workload = toWorkload(root, usable, {
        nodes,
        podViews,
        eventsByObject,
        entities,
        ...options,
      });
      if (workload) workloads.push(workload);
    } catch (error) {
      onSkip(
        identify(
          root.kind,
          root.object,
          `could not be derived: ${messageOf(error)}`,
        ),
      );
    }
  }
  return workloads;
}

function toWorkload(
  root: Root,
  objects: ReadableObjects,
  context: {
    nodes: Map<string, Node>;
    podViews: Map<Pod, WorkloadPod>;
    eventsByObject: Map<string, Event[]>;
    entities: EntityIndex;
    now: Date;
    onServing?: (workloadId: string, serving: WorkloadServing) => void;
  },
): InferenceWorkload | undefined {
  const { metadata } = root.object;
  const templateSpec: Partial<TrimmedPodSpec> = root.template?.spec ?? {};
  const containers = templateSpec.containers ?? [];
  const gpuContainers = containers.map(gpuRequestOf).filter(Boolean);
  let gpusPerReplica = gpuContainers.reduce((sum, r) => sum + r!.count, 0);
  if (root.kind === 'LeaderWorkerSet') {
    gpusPerReplica *= root.object.spec?.leaderWorkerTemplate?.size ?? 1;
  }
  const labels: Partial<Record<string, string>> = {
    ...(root.template?.metadata?.labels ?? {}),
    ...(metadata.labels ?? {}),
  };
  const kubernetesId = labels[KUBERNETES_ID_LABEL];
  const runtime = detectRuntime(containers);
  if (gpusPerReplica === 0 && !kubernetesId && !runtime) return undefined;
  const namespace = namespaceOf(root.object);

  const ownerLabel = labels[OWNER_LABEL];
  const entity = kubernetesId
    ? context.entities.match(
        kubernetesId,
        objects.cluster,
        namespace,
        ownerLabel,
      )
    : undefined;
  // the template that created the workload says whose it is; a catalog entity cannot make another team pay for it
  const owner = ownerLabel ? toGroupRef(ownerLabel) : entity?.ownerRef;
  const id = `${objects.cluster}/${namespace}/${root.kind}/${metadata.name}`;
  const autoscaler = findAutoscaler(root, objects);
  const mainContainer = containers.find(c => gpuRequestOf(c)) ?? containers[0];
  const image: string | undefined = mainContainer?.image;
  const gpuType = detectGpuType(root, templateSpec, context.nodes);

  const events = [
    ...(context.eventsByObject.get(`${namespace}/${metadata.name}`) ?? []),
    ...(root.controllers ?? []).flatMap(
      name => context.eventsByObject.get(`${namespace}/${name}`) ?? [],
    ),
    ...root.pods.flatMap(
      p =>
        context.eventsByObject.get(
          `${p.metadata.namespace}/${p.metadata.name}`,
        ) ?? [],
    ),
  ];
  const driverVersion = root.pods
    .map(p => nodeOf(context.nodes, p)?.metadata.labels)
    .filter(isDefined)
    .map(l => driverOf(l))
    .find(Boolean);

  const serving: ServingContext = {
    // a model outside the catalog carries its architecture numbers (recorded by the template); label values
    // cannot hold the org/ prefix of a Hugging Face id: the container args are the better source
    model:
      architectureFromAnnotation(
        metadata.annotations?.[ARCHITECTURE_ANNOTATION],
      ) ??
      modelFromArgs(mainContainer) ??
      labels[MODEL_LABEL],
    gpuType,
    nodeDriverVersion: driverVersion,
  };
  // the cluster's objects only: metric findings are the views' (they hold the metrics)
  const findings = diagnoseWorkload({
    pods: asPodLikes(root.pods),
    events: events as EventLike[],
    desiredReplicas: root.desired,
    serving,
    now: context.now.toISOString(),
  });
  context.onServing?.(id, mergeServingContext(asPodLikes(root.pods), serving));

  return {
    id,
    cluster: objects.cluster,
    namespace,
    kind: root.kind,
    name: metadata.name,
    entityRef: entity?.entityRef,
    owner,
    runtime,
    model: modelFromArgs(mainContainer) ?? labels[MODEL_LABEL],
    image,
    imageDigestPinned:
      typeof image === 'string' && isPinnedImageReference(image),
    gpuType,
    gpusPerReplica,
    replicas: {
      desired: root.desired,
      ready: root.ready,
      available: root.available,
    },
    autoscaler,
    quotaCharge: workloadCharge({
      gpusPerReplica,
      replicas: root.desired,
      autoscaler,
    }),
    pods: root.pods.map(p => context.podViews.get(p)!),
    namespaceQuotas: gpuContainers[0]
      ? namespaceGpuQuotas(
          objects.resourcequotas ?? [],
          objects.cluster,
          namespace,
          gpuContainers[0].resourceName,
        )
      : undefined,
    findings,
    updatedAt: context.now.toISOString(),
  };
}

function findAutoscaler(
  root: Root,
  objects: ReadableObjects,
): InferenceWorkload['autoscaler'] {
  const { name, namespace } = root.object.metadata;
  const targetKind =
    root.kind === 'InferenceService' ? 'Deployment' : root.kind;
  const scaledObject = objects.scaledobjects.find(
    so =>
      so.metadata.namespace === namespace &&
      so.spec?.scaleTargetRef?.name === name &&
      (so.spec?.scaleTargetRef?.kind ?? 'Deployment') === targetKind,
  );
  if (scaledObject) {
    return {
      kind: 'ScaledObject',
      name: scaledObject.metadata.name,
      minReplicas: scaledObject.spec?.minReplicaCount ?? 0,
      // KEDA's default ceiling is 100 replicas
      maxReplicas: scaledObject.spec?.maxReplicaCount ?? 100,
    };
  }
  const hpa = objects.horizontalpodautoscalers.find(
    (h): h is typeof h & { spec: NonNullable<typeof h.spec> } =>
      h.metadata.namespace === namespace &&
      h.spec?.scaleTargetRef?.name === name &&
      h.spec?.scaleTargetRef?.kind === targetKind &&
      // KEDA's own HPA is represented by its ScaledObject
      !h.metadata.ownerReferences?.some(o => o.kind === 'ScaledObject'),
  );
  if (hpa) {
    return {
      kind: 'HorizontalPodAutoscaler',
      name: hpa.metadata.name,
      minReplicas: hpa.spec.minReplicas ?? 1,
      maxReplicas: hpa.spec.maxReplicas,
    };
  }
  if (root.kind === 'InferenceService') {
    const predictor = root.object.spec?.predictor;
    if (predictor?.maxReplicas) {
      return {
        kind: 'HorizontalPodAutoscaler',
        name: root.object.metadata.name,
        minReplicas: predictor.minReplicas,
        maxReplicas: predictor.maxReplicas,
      };
    }
  }
  return undefined;
}

/** GPU type from the running pods' nodes, else the template's node selector or single-product affinity. */
function detectGpuType(
  root: Root,
  templateSpec: Partial<TrimmedPodSpec>,
  nodes: Map<string, Node>,
): string | undefined {
  for (const pod of root.pods) {
    const node = nodeOf(nodes, pod);
    if (node) {
      const key = podGpuTypeKey(asPodLike(pod), asNodeLike(node));
      if (key) return key;
    }
  }
  const selector =
    templateSpec.nodeSelector?.[GFD_LABELS.product] ??
    (templateSpec.gpuProductAffinity?.length === 1
      ? templateSpec.gpuProductAffinity[0]
      : undefined);
  if (!selector) return undefined;
  return podGpuTypeKey({
    metadata: { name: 'template' },
    spec: {
      containers: (templateSpec.containers ?? []) as ContainerLike[],
      nodeSelector: { [GFD_LABELS.product]: selector },
    },
  });
}

function detectRuntime(containers: IContainer[]): ServingRuntime | undefined {
  for (const container of containers) {
    const image = container.image ?? '';
    if (/vllm/i.test(image)) return 'vllm';
    if (/tritonserver/i.test(image)) return 'triton';
    if (/text-embeddings-inference/i.test(image)) return 'tei';
    if (/text-generation-inference/i.test(image)) return 'tgi';
  }
  return undefined;
}

function modelFromArgs(container: IContainer | undefined): string | undefined {
  const argv: string[] = [
    ...(container?.command ?? []),
    ...(container?.args ?? []),
  ];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--model' || argv[i] === '--model-id') return argv[i + 1];
    if (argv[i].startsWith('--model=')) return argv[i].slice('--model='.length);
    if (argv[i] === 'serve' && argv[i + 1] && !argv[i + 1].startsWith('-'))
      return argv[i + 1];
  }
  return undefined;
}

function toWorkloadPod(pod: Pod, nodes: Map<string, Node>): WorkloadPod {
  const statuses = pod.status?.containerStatuses ?? [];
  const gpus = (pod.spec?.containers ?? []).reduce(
    (sum, c) => sum + (gpuRequestOf(c)?.count ?? 0),
    0,
  );
  const node = nodeOf(nodes, pod);
  return {
    name: pod.metadata.name,
    namespace: namespaceOf(pod),
    phase: asPodLike(pod).status?.phase ?? 'Unknown',
    ready:
      pod.status?.conditions?.some(
        c => c.type === 'Ready' && c.status === 'True',
      ) ?? false,
    restarts: statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
    nodeName: pod.spec?.nodeName,
    schedulingMessage: pod.spec?.nodeName
      ? undefined
      : pod.status?.conditions?.find(
          c => c.type === 'PodScheduled' && c.status === 'False',
        )?.message,
    gpuType: node ? podGpuTypeKey(asPodLike(pod), asNodeLike(node)) : undefined,
    gpus,
    startedAt: pod.status?.startTime,
    containers: statuses.map(s => ({
      name: s.name,
      image: s.image,
      ready: Boolean(s.ready),
      restartCount: s.restartCount ?? 0,
      state: containerState(s),
      reason: s.state?.waiting?.reason ?? s.state?.terminated?.reason,
    })),
  };
}

function driverOf(labels: Partial<Record<string, string>>): string | undefined {
  const major = labels[GFD_LABELS.driverMajor];
  if (!major) return undefined;
  return [major, labels[GFD_LABELS.driverMinor], labels[GFD_LABELS.driverRev]]
    .filter(Boolean)
    .join('.');
}

function toGroupRef(value: string): string {
  return value.includes(':') ? value : `group:default/${value}`;
}

function mergeLabels(
  primary: Identified<CachedInferenceService>,
  secondary: Identified<CachedDeployment>,
): Identified<CachedInferenceService> {
  return {
    ...primary,
    metadata: {
      ...primary.metadata,
      labels: {
        ...(secondary.metadata.labels ?? {}),
        ...(primary.metadata.labels ?? {}),
      },
    },
  };
}

const KIND_OF_LIST: Record<string, string> = {
  pods: 'Pod',
  events: 'Event',
  nodes: 'Node',
  deployments: 'Deployment',
  statefulsets: 'StatefulSet',
  replicasets: 'ReplicaSet',
  horizontalpodautoscalers: 'HorizontalPodAutoscaler',
  scaledobjects: 'ScaledObject',
  inferenceservices: 'InferenceService',
  leaderworkersets: 'LeaderWorkerSet',
  resourcequotas: 'ResourceQuota',
  nodepools: 'NodePool',
};

/**
 * The objects that have an identity (metadata with a string name and, if any, namespace): anything else can be
 * neither looked up nor named, so it is reported once here and left out of every list.
 */
function withReadableIdentity(
  objects: ClusterObjects,
  onSkip: SkipReporter,
): ReadableObjects {
  const readable: Record<string, unknown> = { ...objects };
  for (const [list, items] of Object.entries(objects)) {
    if (!Array.isArray(items)) continue;
    readable[list] = items.filter((item: unknown) => {
      const named = hasIdentity(item);
      if (!named) {
        onSkip(
          identify(
            KIND_OF_LIST[list] ?? list,
            item,
            'could not be derived: it has no metadata.name',
          ),
        );
      }
      return named;
    });
  }
  // every list now holds only objects that passed hasIdentity
  return readable as unknown as ReadableObjects;
}

/** Whether an object has metadata with a string name and, if any, a string namespace. */
function hasIdentity(item: unknown): item is Identified<{}> {
  const meta: unknown = (item as { metadata?: unknown } | null)?.metadata;
  if (typeof meta !== 'object' || meta === null) return false;
  const { name, namespace } = meta as { name?: unknown; namespace?: unknown };
  return (
    typeof name === 'string' &&
    (namespace === undefined || typeof namespace === 'string')
  );
}

/** The autoscalers whose target and owners can be read (what findAutoscaler reads of each one). */
function readableAutoscalers<
  T extends { metadata: { ownerReferences?: Array<{ kind: string }> } },
>(items: T[], kind: string, onSkip: SkipReporter): T[] {
  const readable: T[] = [];
  eachIsolated(items, kind, onSkip, a => {
    a.metadata.ownerReferences?.some(o => o.kind);
    readable.push(a);
  });
  return readable;
}

/** Items by each of their keys; an item whose keys cannot be read is reported and left out. */
function groupBy<T>(
  items: T[],
  kind: string,
  onSkip: SkipReporter,
  keys: (item: T) => string[],
): Map<string, T[]> {
  const map = new Map<string, T[]>();
  eachIsolated(items, kind, onSkip, item => {
    for (const key of keys(item)) {
      const list = map.get(key);
      if (list) list.push(item);
      else map.set(key, [item]);
    }
  });
  return map;
}

function containerState(
  status: IContainerStatus,
): 'running' | 'waiting' | 'terminated' | 'unknown' {
  if (status.state?.running) return 'running';
  if (status.state?.waiting) return 'waiting';
  if (status.state?.terminated) return 'terminated';
  return 'unknown';
}

/** The node a pod runs on, when its nodeName is a node's name. */
function nodeOf(nodes: Map<string, Node>, pod: Pod): Node | undefined {
  const nodeName: unknown = pod.spec?.nodeName;
  return typeof nodeName === 'string' ? nodes.get(nodeName) : undefined;
}

/** A container's GPU request; common reads quantities of either form (string or number). */
function gpuRequestOf(container: IContainer) {
  return containerGpuRequest(container as ContainerLike);
}

// common's rules read these shapes defensively: a cached object is handed to them as it is
function asPodLike(pod: Pod): PodLike {
  return pod as PodLike;
}

function asPodLikes(pods: Pod[]): PodLike[] {
  return pods as PodLike[];
}

function asNodeLike(node: Node): NodeLike {
  return node as NodeLike;
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
