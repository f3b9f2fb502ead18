/*
 * The simulated kubelets of every node: pods bound to a node are pulled,
 * started, load their model and become Ready, or fail the way the scenario
 * (or the physics of model and GPU) says: CUDA OOM at start or under load,
 * host OOMKilled, KV cache too small, image pull errors, a driver too old for
 * the image. Failed containers restart with CrashLoopBackOff's doubling
 * back-off. Deleted pods terminate gracefully and are then removed.
 */
import { resourceById } from '../api/resources';
import { TimerHandle } from '../sim/clock';
import {
  cudaOomMessage,
  driverInsufficientMessage,
  imagePullMessage,
  kvCacheTooSmallMessage,
  noKvBlocksMessage,
} from '../sim/failureMessages';
import {
  InferenceRuntime,
  PodHandle,
  podJitter,
} from '../sim/inferenceRuntime';
import { nodeGpuProduct, planPod } from '../sim/podPlan';
import { gpuRequest, isTerminal } from '../sim/podResources';
import { WorkloadProfiles } from '../sim/workloadProfiles';
import { StoreEvent, eventObject } from '../store/eventHistory';
import { KubeObject } from '../store/storedObject';
import { Controller, ControllerContext, splitKey } from './controller';
import { involvedOf } from './eventRecorder';
import { GarbageCollector } from './garbageCollector';
import { ContainerState, Termination, renderPodStatus } from './kubeletStatus';

const PODS = resourceById('core/pods');
const NODES = resourceById('core/nodes');
const NO_LOGS: string[] = [];
type Obj = Record<string, any>;

/** Everything the kubelet tracks for one pod. @public */
export interface PodLife extends PodHandle {
  key: string;
  state: ContainerState;
  podIP: string;
  startTime: string;
  timer?: TimerHandle;
  terminating: boolean;
  profileFailure: string;
  logs: string[];
  previousLogs: string[];
}

/** Simulated kubelets of all nodes of a cluster. */
export class Kubelets extends Controller {
  readonly pods = new Map<string, PodLife>();
  private readonly byWorkload = new Map<string, Set<PodLife>>();
  private readonly plans = new Map<string, ReturnType<typeof planPod>>();
  private readonly gpuSlots = new Map<string, Array<string | undefined>>();
  private ipCounter = 10;

  constructor(
    ctx: ControllerContext,
    private readonly gc: GarbageCollector,
    private readonly profiles: WorkloadProfiles,
    readonly runtime: InferenceRuntime,
  ) {
    super(ctx, 'kubelet');
    ctx.store.subscribeType(PODS, e => this.onPod(e));
  }

  /** Pods (known to the kubelets) of a workload. */
  podsOf(workloadKey: string): Iterable<PodLife> {
    return this.byWorkload.get(workloadKey) ?? [];
  }

  /** The pods holding each GPU of a node (index -> pod key). */
  gpuAssignments(node: string): Array<string | undefined> {
    return this.gpuSlots.get(node) ?? [];
  }

  private onPod(e: StoreEvent): void {
    const key = e.object.key;
    const life = this.pods.get(key);
    if (e.type === 'DELETED') {
      if (life && life.uid === e.object.uid) this.forget(life);
      return;
    }
    const pod = eventObject(e) as Obj;
    if (life && life.uid !== pod.metadata.uid) this.forget(life);
    if (!pod.spec?.nodeName) return;
    if (pod.metadata.deletionTimestamp && !this.pods.get(key)?.terminating)
      this.enqueue(key);
    else if (!this.pods.has(key) && !isTerminal(pod)) this.enqueue(key);
  }

  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const pod = this.ctx.store.getObject(PODS, namespace, name) as
      | Obj
      | undefined;
    if (!pod || !pod.spec?.nodeName) return;
    let life = this.pods.get(key);
    if (pod.metadata.deletionTimestamp) {
      this.terminate(pod, life);
      return;
    }
    if (!life) {
      life = this.admit(pod);
      if (life) this.beginPull(life);
    }
  }

  private admit(pod: Obj): PodLife | undefined {
    const node = this.ctx.store.getObject(
      NODES,
      undefined,
      pod.spec.nodeName,
    ) as Obj | undefined;
    if (!node) return undefined;
    const top = this.topOwner(pod);
    const profile = this.profiles.resolve(
      pod.metadata.namespace,
      top,
      pod.metadata.annotations,
    );
    // pods of one template on one kind of node start the same way: share the plan
    const revision =
      pod.metadata.labels?.['pod-template-hash'] ??
      pod.metadata.labels?.['controller-revision-hash'];
    const planKey = revision
      ? `${pod.metadata.namespace}/${top}/${revision}/${nodeGpuProduct(node)}/${
          node.metadata.labels?.['nvidia.com/cuda.driver-version.full'] ?? ''
        }/${profile.failure}`
      : undefined;
    let plan = planKey ? this.plans.get(planKey) : undefined;
    if (!plan) {
      plan = planPod(pod, node, profile, this.ctx.timing.modelLoadScale);
      if (planKey) this.plans.set(planKey, plan);
    }
    const n = this.ipCounter++;
    const life: PodLife = {
      key: `${pod.metadata.namespace}/${pod.metadata.name}`,
      uid: pod.metadata.uid,
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      node: pod.spec.nodeName,
      workloadKey: this.intern(`${pod.metadata.namespace}/${top}`),
      plan,
      gpuIndices: this.allocateGpus(pod, node),
      jitter: podJitter(pod.metadata.name),
      podIP: `10.${100 + ((n >> 16) & 127)}.${(n >> 8) & 255}.${n & 255}`,
      startTime: this.intern(this.ctx.clock.nowIso()),
      terminating: false,
      profileFailure: plan.failure,
      logs: NO_LOGS,
      previousLogs: NO_LOGS,
      state: {
        phase: 'creating',
        mainContainer: plan.container,
        restartCount: 0,
        containerID: this.newContainerId(),
        pulled: false,
        backoffSeconds: 0,
      },
    };
    this.pods.set(life.key, life);
    let group = this.byWorkload.get(life.workloadKey);
    if (!group) {
      group = new Set();
      this.byWorkload.set(life.workloadKey, group);
    }
    group.add(life);
    if (plan.engine !== 'generic' && plan.engine !== 'dcgm')
      this.runtime.attach(life, profile);
    this.writeStatus(life);
    return life;
  }

  /** Name of the top-level workload owning a pod (Deployment, StatefulSet, LeaderWorkerSet, ...). */
  topOwner(pod: Obj): string {
    const ref = pod.metadata.ownerReferences?.find((o: Obj) => o.controller) as
      | { kind: string; name: string }
      | undefined;
    return ref
      ? this.topOwnerOf(pod.metadata.namespace, ref.kind, ref.name)
      : pod.metadata.name;
  }

  /** Name of the top-level workload above an object (itself when it has no controller). */
  topOwnerOf(namespace: string, kind: string, name: string): string {
    const types: Record<string, string> = {
      ReplicaSet: 'apps/replicasets',
      StatefulSet: 'apps/statefulsets',
      Deployment: 'apps/deployments',
      Pod: 'core/pods',
      LeaderWorkerSet: 'leaderworkerset.x-k8s.io/leaderworkersets',
    };
    let ref: { kind: string; name: string } | undefined = { kind, name };
    let top = name;
    for (let depth = 0; ref && depth < 6; depth++) {
      const id = types[ref.kind];
      if (!id) break;
      const parent = this.gc.controllerOf(id, `${namespace}/${ref.name}`);
      if (!parent) break;
      // LeaderWorkerSet worker groups hang off leader pods: climb through them
      if (parent.kind !== 'Pod') top = parent.name;
      ref = parent;
    }
    return top;
  }

  private allocateGpus(pod: Obj, node: Obj): number[] {
    const want = gpuRequest(pod.spec);
    if (!want) return [];
    const total = Number(node.status?.allocatable?.[want.resource] ?? 0);
    let slots = this.gpuSlots.get(node.metadata.name);
    if (!slots || slots.length !== total) {
      slots = Array.from({ length: total }, (_, i) => slots?.[i]);
      this.gpuSlots.set(node.metadata.name, slots);
    }
    const out: number[] = [];
    for (let i = 0; i < slots.length && out.length < want.count; i++) {
      if (!slots[i]) {
        slots[i] = `${pod.metadata.namespace}/${pod.metadata.name}`;
        out.push(i);
      }
    }
    return out;
  }

  private forget(life: PodLife): void {
    this.ctx.clock.clearTimer(life.timer);
    this.runtime.setReady(life, false);
    const slots = this.gpuSlots.get(life.node);
    if (slots)
      for (const i of life.gpuIndices)
        if (slots[i] === life.key) slots[i] = undefined;
    this.pods.delete(life.key);
    const group = this.byWorkload.get(life.workloadKey);
    group?.delete(life);
    if (group?.size === 0) this.byWorkload.delete(life.workloadKey);
  }

  private event(
    life: PodLife,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): void {
    const pod = this.ctx.store.getObject(PODS, life.namespace, life.name);
    if (!pod) return;
    this.ctx.events.record(
      involvedOf(pod, `spec.containers{${life.plan.container}}`),
      type,
      reason,
      message,
      { component: 'kubelet', host: life.node },
    );
  }

  private after(life: PodLife, seconds: number, fn: () => void): void {
    this.ctx.clock.clearTimer(life.timer);
    life.timer = this.ctx.clock.setTimer(seconds * 1000, () => {
      if (this.pods.get(life.key) === life && !life.terminating) fn();
    });
  }

  private beginPull(life: PodLife): void {
    const image = life.plan.image;
    if (life.state.pulled) {
      this.event(
        life,
        'Normal',
        'Pulled',
        `Container image "${image}" already present on machine`,
      );
      this.startContainer(life);
      return;
    }
    this.event(life, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const [lo, hi] = this.ctx.timing.imagePullSeconds;
    const seconds =
      life.plan.engine === 'generic'
        ? Math.min(lo, 1)
        : this.ctx.rng.between(lo, hi);
    this.after(life, seconds, () => {
      if (life.plan.failure === 'image-pull') {
        const msg = imagePullMessage(image);
        this.event(
          life,
          'Warning',
          'Failed',
          `Failed to pull image "${image}": ${msg}`,
        );
        this.event(life, 'Warning', 'Failed', 'Error: ErrImagePull');
        life.state = {
          ...life.state,
          phase: 'pullFailed',
          waitingMessage: msg,
        };
        this.writeStatus(life);
        life.state.backoffSeconds = Math.min(
          300,
          Math.max(10, life.state.backoffSeconds * 2),
        );
        this.after(life, 5, () => {
          this.event(
            life,
            'Normal',
            'BackOff',
            `Back-off pulling image "${image}"`,
          );
          this.event(life, 'Warning', 'Failed', 'Error: ImagePullBackOff');
          life.state = { ...life.state, phase: 'pullBackoff' };
          this.writeStatus(life);
          this.after(life, life.state.backoffSeconds, () =>
            this.beginPull(life),
          );
        });
        return;
      }
      life.state.pulled = true;
      life.state.backoffSeconds = 0;
      const took = seconds.toFixed(3);
      this.event(
        life,
        'Normal',
        'Pulled',
        `Successfully pulled image "${image}" in ${took}s (${took}s including waiting). Image size: ${life.plan.imageSizeBytes} bytes.`,
      );
      this.startContainer(life);
    });
  }

  private startContainer(life: PodLife): void {
    const now = this.ctx.clock.nowIso();
    life.state.containerID = this.newContainerId();
    if (life.plan.failure === 'driver-insufficient') {
      const msg = driverInsufficientMessage(life.plan.requiredCuda ?? '12.8');
      this.event(life, 'Warning', 'Failed', `Error: ${msg}`);
      this.crash(
        life,
        {
          exitCode: 128,
          reason: 'StartError',
          message: msg,
          startedAt: '1970-01-01T00:00:00Z',
          finishedAt: now,
          containerID: life.state.containerID,
        },
        'startFailed',
      );
      return;
    }
    this.event(
      life,
      'Normal',
      'Created',
      `Created container ${life.plan.container}`,
    );
    this.event(
      life,
      'Normal',
      'Started',
      `Started container ${life.plan.container}`,
    );
    life.state = {
      ...life.state,
      phase: 'loading',
      startedAt: now,
      waitingMessage: undefined,
    };
    life.logs = NO_LOGS;
    this.writeStatus(life);
    const failing = [
      'cuda-oom-at-start',
      'kv-cache-too-small',
      'no-kv-blocks',
      'oom-killed',
    ].includes(life.plan.failure);
    const seconds =
      life.plan.loadSeconds * (failing ? life.plan.failAtFraction : 1);
    this.after(life, seconds, () =>
      failing ? this.failAtStart(life) : this.becomeReady(life),
    );
  }

  private failAtStart(life: PodLife): void {
    const now = this.ctx.clock.nowIso();
    const p = life.plan;
    let t: Termination;
    if (p.failure === 'oom-killed') {
      t = {
        exitCode: 137,
        reason: 'OOMKilled',
        startedAt: life.state.startedAt,
        finishedAt: now,
        containerID: life.state.containerID,
      };
    } else {
      let text = cudaOomMessage(p.gpu, p.memory, 'start');
      if (p.failure === 'kv-cache-too-small') {
        // numbers from the memory arithmetic when it predicts the failure, else vLLM's typical report
        const kvTokens =
          p.memory && p.memory.kvTokens < (p.maxModelLen ?? 0)
            ? p.memory.kvTokens
            : 13968;
        text = kvCacheTooSmallMessage(p.maxModelLen ?? 32768, kvTokens);
      } else if (p.failure === 'no-kv-blocks') {
        text = noKvBlocksMessage();
      }
      life.logs = [...life.logs, ...text.split('\n')];
      t = {
        exitCode: 1,
        reason: 'Error',
        message: p.fallbackToLogs ? text : undefined,
        startedAt: life.state.startedAt,
        finishedAt: now,
        containerID: life.state.containerID,
      };
    }
    this.crash(life, t, 'crashBackoff');
  }

  private crash(
    life: PodLife,
    t: Termination,
    phase: 'crashBackoff' | 'startFailed',
  ): void {
    this.runtime.setReady(life, false);
    const ranFor = life.state.startedAt
      ? this.ctx.clock.now() - Date.parse(life.state.startedAt)
      : 0;
    const backoff =
      ranFor > 10 * 60_000
        ? 10
        : Math.min(
            300,
            life.state.backoffSeconds ? life.state.backoffSeconds * 2 : 10,
          );
    const pod = this.ctx.store.getObject(PODS, life.namespace, life.name) as
      | Obj
      | undefined;
    const never = pod?.spec?.restartPolicy === 'Never';
    life.previousLogs = life.logs;
    life.state = {
      ...life.state,
      lastTermination: t,
      restartCount: life.state.restartCount + (never ? 0 : 1),
      backoffSeconds: backoff,
      phase: never ? 'exited' : phase,
      waitingMessage: t.message,
    };
    this.writeStatus(life);
    if (never) return;
    if (phase === 'startFailed') {
      this.after(life, 1, () => {
        life.state = { ...life.state, phase: 'crashBackoff' };
        this.writeStatus(life);
      });
    }
    this.event(
      life,
      'Warning',
      'BackOff',
      `Back-off restarting failed container ${life.plan.container} in pod ${life.name}_${life.namespace}(${life.uid})`,
    );
    this.ctx.clock.setTimer(backoff * 1000, () => {
      if (this.pods.get(life.key) === life && !life.terminating)
        this.beginPull(life);
    });
  }

  private becomeReady(life: PodLife): void {
    life.state = { ...life.state, phase: 'ready' };
    this.writeStatus(life);
    this.runtime.setReady(life, true);
    if (life.plan.failure === 'cuda-oom-under-load') this.armLoadCheck(life);
  }

  private armLoadCheck(life: PodLife): void {
    this.after(life, 60, () => {
      const s = this.runtime.sample(life.workloadKey);
      // the busier the replica, the likelier an allocation fails
      let p = 0.02;
      if (s.utilization > 0.85) p = 0.5;
      else if (s.utilization > 0.5) p = 0.15;
      if (this.ctx.rng.next() < p) {
        const text = cudaOomMessage(life.plan.gpu, life.plan.memory, 'load');
        life.logs = [...life.logs, ...text.split('\n')];
        const now = this.ctx.clock.nowIso();
        this.crash(
          life,
          {
            exitCode: 1,
            reason: 'Error',
            message: life.plan.fallbackToLogs ? text : undefined,
            startedAt: life.state.startedAt,
            finishedAt: now,
            containerID: life.state.containerID,
          },
          'crashBackoff',
        );
      } else {
        this.armLoadCheck(life);
      }
    });
  }

  private terminate(pod: Obj, life: PodLife | undefined): void {
    if (life?.terminating) return;
    const grace = Math.min(
      3,
      Number(pod.metadata.deletionGracePeriodSeconds ?? 30),
    );
    if (life) {
      life.terminating = true;
      this.ctx.clock.clearTimer(life.timer);
      this.runtime.setReady(life, false);
      if (life.state.phase === 'loading' || life.state.phase === 'ready') {
        this.event(
          life,
          'Normal',
          'Killing',
          `Stopping container ${life.plan.container}`,
        );
      }
    }
    this.ctx.clock.setTimer((life ? grace : 0.2) * 1000, () => {
      const current = this.ctx.store.get(
        PODS,
        pod.metadata.namespace,
        pod.metadata.name,
      );
      if (current && current.uid === pod.metadata.uid)
        this.ctx.store.remove(PODS, pod.metadata.namespace, pod.metadata.name);
    });
  }

  private writeStatus(life: PodLife): void {
    const node = this.ctx.store.getObject(NODES, undefined, life.node) as
      | Obj
      | undefined;
    const ip =
      ((node?.status?.addresses ?? []) as Obj[]).find(
        a => a.type === 'InternalIP',
      )?.address ?? '10.0.0.1';
    const now = this.ctx.clock.nowIso();
    this.ctx.api.mutate(
      PODS,
      life.namespace,
      life.name,
      o => {
        if ((o as KubeObject).metadata?.uid !== life.uid) return false;
        renderPodStatus(
          o as Obj,
          life.state,
          { ip },
          life.podIP,
          life.startTime,
          now,
        );
        return undefined;
      },
      { subresource: 'status' },
    );
  }

  private readonly strings = new Map<string, string>();

  /** shares repeated strings (workload keys, timestamps) between the many pods that hold them */
  private intern(s: string): string {
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit;
    if (this.strings.size > 50_000) this.strings.clear();
    this.strings.set(s, s);
    return s;
  }

  private newContainerId(): string {
    return `containerd://${this.ctx.rng.hex(64)}`;
  }
}
