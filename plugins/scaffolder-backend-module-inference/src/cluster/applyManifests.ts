import {
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { ClusterConnection } from '@inference-platform/plugin-inference-node';
import { INFERENCE_ANNOTATIONS } from '@inference-platform/plugin-inference-common';

const OWNER_LABEL = INFERENCE_ANNOTATIONS.ownerLabel;

/** Server-side apply's field manager: who owns the fields the platform sets. */
export const FIELD_MANAGER = 'backstage-inference';

// Dependencies first (a ScaledObject's target, a Service's pods), then what scales and guards them.
const ORDER = [
  'Namespace',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'PersistentVolumeClaim',
  'Service',
  'Deployment',
  'StatefulSet',
  'LeaderWorkerSet',
  'InferenceService',
  'HorizontalPodAutoscaler',
  'ScaledObject',
  'PodDisruptionBudget',
  'NetworkPolicy',
  'ServiceMonitor',
  'NodePool',
  'ResourceQuota',
];

function rank(kind: string | undefined): number {
  const index = ORDER.indexOf(kind ?? '');
  return index < 0 ? ORDER.length : index;
}

/** Who owns an object that already exists in the cluster, by the platform's owner label. */
export interface ExistingOwner {
  object: string;
  exists: boolean;
  /** The owner label's value; undefined when the object has none (not created by the platform). */
  owner?: string;
}

function describeObject(spec: KubernetesObject): string {
  return `${spec.kind} ${
    spec.metadata?.namespace ? `${spec.metadata.namespace}/` : ''
  }${spec.metadata?.name}`;
}

/** Reads each object's current owner label, so nothing is applied over another owner's objects. */
export async function readExistingOwners(
  connection: ClusterConnection,
  manifests: KubernetesObject[],
): Promise<ExistingOwner[]> {
  const client = KubernetesObjectApi.makeApiClient(connection.kubeConfig);
  const owners: ExistingOwner[] = [];
  for (const manifest of manifests) {
    try {
      const current = await client.read({
        apiVersion: manifest.apiVersion!,
        kind: manifest.kind!,
        metadata: {
          name: manifest.metadata!.name!,
          namespace: manifest.metadata!.namespace,
        },
      });
      owners.push({
        object: describeObject(manifest),
        exists: true,
        owner: current.metadata?.labels?.[OWNER_LABEL],
      });
    } catch (error: any) {
      if (error?.code !== 404 && error?.statusCode !== 404) throw error;
      owners.push({ object: describeObject(manifest), exists: false });
    }
  }
  return owners;
}

/**
 * Applies manifests with server-side apply, in dependency order; `dryRun` asks the server to validate only. Conflicts
 * with other field managers are only overridden (`force`) on objects the same owner already holds: a new object never
 * takes fields another manager set.
 */
export async function applyManifests(
  connection: ClusterConnection,
  manifests: KubernetesObject[],
  options: {
    dryRun?: boolean;
    /** `Kind namespace/name` of the objects this owner already holds. */
    ownedObjects?: Set<string>;
    log: (message: string) => void;
  },
): Promise<KubernetesObject[]> {
  const client = KubernetesObjectApi.makeApiClient(connection.kubeConfig);
  const applied: KubernetesObject[] = [];
  for (const spec of [...manifests].sort(
    (a, b) => rank(a.kind) - rank(b.kind),
  )) {
    const result = await client.patch(
      spec,
      undefined,
      options.dryRun ? 'All' : undefined,
      FIELD_MANAGER,
      options.ownedObjects?.has(describeObject(spec)) ?? false,
      PatchStrategy.ServerSideApply,
    );
    options.log(
      `${options.dryRun ? 'validated' : 'applied'} ${describeObject(spec)} on ${
        connection.name
      }`,
    );
    applied.push(result);
  }
  return applied;
}

interface RolloutState {
  done: boolean;
  text: string;
}

function deploymentState(obj: any): RolloutState {
  const want = obj.spec?.replicas ?? 1;
  const status = obj.status ?? {};
  const current =
    (status.observedGeneration ?? 0) >= (obj.metadata?.generation ?? 0);
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  return {
    done: current && updated >= want && ready >= want,
    text: `${obj.kind} ${obj.metadata.name}: ${ready}/${want} ready, ${updated} updated`,
  };
}

/** Why the workload's pods are not ready yet (waiting reasons, last termination), for the task log. */
async function podReasons(
  client: KubernetesObjectApi,
  workload: any,
): Promise<string> {
  const selector = workload.spec?.selector?.matchLabels;
  if (!selector) return '';
  const pods = await client.list(
    'v1',
    'Pod',
    workload.metadata.namespace,
    undefined,
    undefined,
    undefined,
    undefined,
    Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
  );
  const reasons = new Set<string>();
  for (const pod of pods.items as any[]) {
    for (const c of pod.status?.containerStatuses ?? []) {
      const reason =
        c.state?.waiting?.reason ?? c.lastState?.terminated?.reason;
      if (reason) reasons.add(`${pod.metadata.name}: ${reason}`);
    }
    const unscheduled = pod.status?.conditions?.find(
      (c: any) => c.type === 'PodScheduled' && c.status === 'False',
    );
    if (unscheduled)
      reasons.add(
        `${pod.metadata.name}: ${unscheduled.message ?? unscheduled.reason}`,
      );
  }
  return [...reasons].slice(0, 5).join('; ');
}

/**
 * Waits until every Deployment and StatefulSet among the applied objects has its replicas updated and ready, logging
 * progress when it changes; throws after the timeout with the pods' reasons.
 */
export async function waitForRollout(
  connection: ClusterConnection,
  applied: KubernetesObject[],
  options: {
    timeoutMs: number;
    intervalMs?: number;
    log: (message: string) => void;
    signal?: AbortSignal;
  },
): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(connection.kubeConfig);
  const workloads = applied.filter(
    o => o.kind === 'Deployment' || o.kind === 'StatefulSet',
  );
  const deadline = Date.now() + options.timeoutMs;
  const last = new Map<string, string>();
  for (;;) {
    let allDone = true;
    for (const workload of workloads) {
      const current = await client.read(workload as any);
      const state = deploymentState(current);
      if (last.get(state.text) === undefined) {
        options.log(state.text);
        last.set(state.text, state.text);
      }
      if (!state.done) allDone = false;
    }
    if (allDone) return;
    if (Date.now() > deadline || options.signal?.aborted) {
      const details = await Promise.all(
        workloads.map(w => podReasons(client, w)),
      );
      throw new Error(
        `Rollout did not finish within ${Math.round(
          options.timeoutMs / 1000,
        )} s${
          details.filter(Boolean).length
            ? `: ${details.filter(Boolean).join('; ')}`
            : ''
        }`,
      );
    }
    await new Promise(resolve =>
      setTimeout(resolve, options.intervalMs ?? 2000),
    );
  }
}
