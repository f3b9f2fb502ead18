/*
 * Pod status as the kubelet reports it, rendered from the simulated state of
 * the pod's containers: phase, the five pod conditions, container states
 * (waiting / running / terminated, lastState, restartCount, ready, started).
 */
import { createHash } from 'crypto';
import { describeImage } from '../sim/imageCatalog';
import { setCondition } from './controller';

type Obj = Record<string, any>;

/** The lifecycle state of a pod's main container. @public */
export type ContainerPhase =
  | 'creating'
  | 'pullFailed'
  | 'pullBackoff'
  | 'startFailed'
  | 'loading'
  | 'ready'
  | 'crashBackoff'
  | 'exited';

/** A finished container run. @public */
export interface Termination {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt?: string;
  finishedAt: string;
  containerID: string;
}

/** What the kubelet knows about a pod's containers. @public */
export interface ContainerState {
  phase: ContainerPhase;
  mainContainer: string;
  waitingMessage?: string;
  restartCount: number;
  startedAt?: string;
  containerID: string;
  pulled: boolean;
  lastTermination?: Termination;
  backoffSeconds: number;
}

function sidecarContainerId(mainId: string, name: string): string {
  return `containerd://${createHash('sha256')
    .update(`${mainId}/${name}`)
    .digest('hex')}`;
}

function imageIdOf(image: string): string {
  const info = describeImage(image);
  return `${info.repository}@${info.digest ?? `sha256:${'0'.repeat(64)}`}`;
}

function mainStatus(
  c: Obj,
  s: ContainerState,
  podName: string,
  namespace: string,
  uid: string,
): Obj {
  const status: Obj = {
    name: c.name,
    state: {},
    lastState: {},
    ready: s.phase === 'ready',
    restartCount: s.restartCount,
    image: c.image,
    imageID: s.pulled ? imageIdOf(c.image) : '',
    started: s.phase === 'loading' || s.phase === 'ready',
  };
  switch (s.phase) {
    case 'creating':
      status.state = { waiting: { reason: 'ContainerCreating' } };
      break;
    case 'pullFailed':
      status.state = {
        waiting: { reason: 'ErrImagePull', message: s.waitingMessage },
      };
      break;
    case 'pullBackoff':
      status.state = {
        waiting: {
          reason: 'ImagePullBackOff',
          message: `Back-off pulling image "${c.image}"`,
        },
      };
      break;
    case 'startFailed':
      status.state = {
        waiting: { reason: 'RunContainerError', message: s.waitingMessage },
      };
      break;
    case 'crashBackoff':
      status.state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${
            s.backoffSeconds > 60
              ? `${Math.floor(s.backoffSeconds / 60)}m${s.backoffSeconds % 60}s`
              : `${s.backoffSeconds}s`
          } restarting failed container=${
            c.name
          } pod=${podName}_${namespace}(${uid})`,
        },
      };
      break;
    case 'exited':
      status.state = { terminated: lastTerminated(s.lastTermination!) };
      break;
    default:
      status.state = { running: { startedAt: s.startedAt } };
  }
  if (
    s.phase !== 'creating' &&
    s.phase !== 'pullFailed' &&
    s.phase !== 'pullBackoff'
  )
    status.containerID = s.containerID;
  if (s.lastTermination && s.phase !== 'exited')
    status.lastState = { terminated: lastTerminated(s.lastTermination) };
  return status;
}

function lastTerminated(t: Termination): Obj {
  const out: Obj = { exitCode: t.exitCode, reason: t.reason };
  if (t.message) out.message = t.message;
  out.startedAt = t.startedAt ?? t.finishedAt;
  out.finishedAt = t.finishedAt;
  out.containerID = t.containerID;
  return out;
}

/** Writes kubelet status into a pod object (in place). */
export function renderPodStatus(
  pod: Obj,
  s: ContainerState,
  node: { ip: string },
  podIP: string,
  startTime: string,
  now: string,
): void {
  const status = (pod.status = pod.status ?? {});
  const started =
    s.phase === 'loading' ||
    s.phase === 'ready' ||
    s.restartCount > 0 ||
    s.phase === 'crashBackoff' ||
    s.phase === 'startFailed' ||
    s.phase === 'exited';
  if (s.phase === 'exited')
    status.phase = s.lastTermination?.exitCode === 0 ? 'Succeeded' : 'Failed';
  else status.phase = started ? 'Running' : 'Pending';
  status.hostIP = node.ip;
  status.hostIPs = [{ ip: node.ip }];
  status.podIP = podIP;
  status.podIPs = [{ ip: podIP }];
  status.startTime = status.startTime ?? startTime;
  const containers = (pod.spec?.containers ?? []) as Obj[];
  const sidecarRunning =
    s.phase !== 'creating' &&
    s.phase !== 'pullFailed' &&
    s.phase !== 'pullBackoff';
  status.containerStatuses = containers.map(c =>
    c.name === s.mainContainer
      ? mainStatus(
          c,
          s,
          pod.metadata.name,
          pod.metadata.namespace,
          pod.metadata.uid,
        )
      : {
          name: c.name,
          state: sidecarRunning
            ? { running: { startedAt: s.startedAt ?? startTime } }
            : { waiting: { reason: 'ContainerCreating' } },
          lastState: {},
          ready: sidecarRunning,
          restartCount: 0,
          image: c.image,
          imageID: sidecarRunning ? imageIdOf(c.image) : '',
          started: sidecarRunning,
          ...(sidecarRunning
            ? { containerID: sidecarContainerId(s.containerID, String(c.name)) }
            : {}),
        },
  );
  const ready = s.phase === 'ready';
  const notReady = containers
    .filter(c => (c.name === s.mainContainer ? !ready : !sidecarRunning))
    .map(c => c.name);
  const readyCond =
    ready || notReady.length === 0
      ? { status: 'True' }
      : {
          status: 'False',
          reason: 'ContainersNotReady',
          message: `containers with unready status: [${notReady.join(' ')}]`,
        };
  let conditions = status.conditions as Obj[] | undefined;
  const extra = { lastProbeTime: null };
  conditions = setCondition(
    conditions,
    { type: 'PodReadyToStartContainers', status: 'True' },
    now,
    extra,
  );
  conditions = setCondition(
    conditions,
    { type: 'Initialized', status: 'True' },
    now,
    extra,
  );
  conditions = setCondition(
    conditions,
    { type: 'Ready', ...readyCond },
    now,
    extra,
  );
  conditions = setCondition(
    conditions,
    { type: 'ContainersReady', ...readyCond },
    now,
    extra,
  );
  conditions = setCondition(
    conditions,
    { type: 'PodScheduled', status: 'True' },
    now,
    extra,
  );
  const order = [
    'PodReadyToStartContainers',
    'Initialized',
    'Ready',
    'ContainersReady',
    'PodScheduled',
  ];
  status.conditions = conditions.sort(
    (a, b) => order.indexOf(String(a.type)) - order.indexOf(String(b.type)),
  );
}
