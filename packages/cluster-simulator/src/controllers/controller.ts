/*
 * What every simulated controller shares: the cluster it runs in, a work
 * queue fed by store changes, and a few object helpers.
 */
import { ClusterApi } from '../api/clusterApi';
import { ResourceType } from '../api/resources';
import { SimClock } from '../sim/clock';
import { Rng } from '../sim/random';
import { ClusterStore } from '../store/clusterStore';
import { StoreEvent } from '../store/eventHistory';
import { KubeObject, OwnerReference } from '../store/storedObject';
import { EventRecorder } from './eventRecorder';
import { WorkQueue } from './workQueue';
import type { Timing } from '../scenario/schema';

/** The cluster environment controllers run in. @public */
export interface ControllerContext {
  readonly clusterName: string;
  readonly region: string;
  readonly api: ClusterApi;
  readonly store: ClusterStore;
  readonly clock: SimClock;
  readonly rng: Rng;
  readonly events: EventRecorder;
  readonly timing: Timing;
  registerQueue(queue: WorkQueue): void;
  log(message: string): void;
}

/** Base class: subscribe to types, reconcile keys. */
export abstract class Controller {
  protected readonly queue: WorkQueue;
  private readonly unsubscribes: Array<() => void> = [];

  constructor(
    protected readonly ctx: ControllerContext,
    readonly name: string,
  ) {
    this.queue = new WorkQueue(
      key => this.reconcile(key),
      (key, e) =>
        ctx.log(
          `${name}: reconcile ${key} failed: ${(e as Error)?.stack ?? e}`,
        ),
    );
    ctx.registerQueue(this.queue);
  }

  /** Reconciles one key (usually `namespace/name`). */
  protected abstract reconcile(key: string): void;

  /** Enqueues keys derived from changes of a type. */
  protected watch(
    r: ResourceType,
    keys: (e: StoreEvent) => string | string[] | undefined,
  ): void {
    this.unsubscribes.push(
      this.ctx.store.subscribeType(r, e => {
        const k = keys(e);
        if (k === undefined) return;
        if (Array.isArray(k)) for (const x of k) this.queue.add(x);
        else this.queue.add(k);
      }),
    );
  }

  /** Queues a key for reconciliation. */
  enqueue(key: string): void {
    this.queue.add(key);
  }

  /** Processes queued work now (tests and manual clocks). */
  drain(): void {
    this.queue.drain();
  }

  stop(): void {
    for (const u of this.unsubscribes) u();
    this.queue.stop();
  }
}

/** The controller owner reference of an object, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find(r => r.controller);
}

/** An ownerReference pointing at `owner`, as controllers set it. */
export function ownerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion!,
    kind: owner.kind!,
    name: owner.metadata!.name!,
    uid: owner.metadata!.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Splits a `namespace/name` key. */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** Sets (or replaces) a condition in a conditions list, keeping lastTransitionTime when status is unchanged. */
export function setCondition(
  conditions: Array<Record<string, unknown>> | undefined,
  cond: { type: string; status: string; reason?: string; message?: string },
  now: string,
  extra: Record<string, unknown> = {},
): Array<Record<string, unknown>> {
  const list = [...(conditions ?? [])];
  const i = list.findIndex(c => c.type === cond.type);
  const prev = i >= 0 ? list[i] : undefined;
  const next: Record<string, unknown> = {
    ...extra,
    type: cond.type,
    status: cond.status,
    lastTransitionTime:
      prev && prev.status === cond.status ? prev.lastTransitionTime : now,
  };
  if (cond.reason !== undefined) next.reason = cond.reason;
  if (cond.message !== undefined) next.message = cond.message;
  if (prev && 'lastUpdateTime' in prev)
    next.lastUpdateTime =
      prev.status === cond.status && prev.reason === cond.reason
        ? prev.lastUpdateTime
        : now;
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

/** Parses a Kubernetes quantity into a number (cores for cpu, bytes for memory, plain counts otherwise). */
export function parseQuantity(q: unknown): number {
  if (typeof q === 'number') return q;
  const s = String(q ?? '0').trim();
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(s);
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = m[2];
  const factors: Record<string, number> = {
    '': 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    Pi: 1024 ** 5,
  };
  return n * (factors[unit] ?? 1);
}

/** Formats a byte count as a Kubernetes quantity (`163840Mi` style is avoided for readability). */
export function formatBytes(bytes: number): string {
  if (bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3}Gi`;
  if (bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2}Mi`;
  if (bytes % 1024 === 0) return `${bytes / 1024}Ki`;
  return String(bytes);
}
