/*
 * Records core/v1 Events the way kubelet and controllers do: one Event per
 * (object, reason, message, source), whose `count` and `lastTimestamp` grow
 * when it repeats. Events expire after an hour, as the API server's event TTL
 * does, which also bounds memory during long crash loops at scale.
 */
import { resourceById } from '../api/resources';
import { SimClock } from '../sim/clock';
import { ClusterStore } from '../store/clusterStore';
import { KubeObject } from '../store/storedObject';
import { ClusterApi } from '../api/clusterApi';

const EVENTS = resourceById('core/events');
const TTL_MS = 60 * 60_000;
const MAX_TRACKED = 50_000;

/** The object an event is about. @public */
export interface InvolvedObject {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** Builds the involvedObject reference of an object. */
export function involvedOf(
  obj: KubeObject,
  fieldPath?: string,
): InvolvedObject {
  const ref: InvolvedObject = {
    kind: obj.kind!,
    apiVersion: obj.apiVersion!,
    name: obj.metadata!.name!,
    namespace: obj.metadata!.namespace,
    uid: obj.metadata!.uid,
    resourceVersion: obj.metadata!.resourceVersion,
  };
  if (fieldPath) ref.fieldPath = fieldPath;
  return ref;
}

interface Tracked {
  namespace: string;
  name: string;
  lastSeen: number;
}

/** Writes Events into one cluster. */
export class EventRecorder {
  private readonly tracked = new Map<string, Tracked>();
  private sweepTimerArmed = false;
  /** when false, only Warning events are recorded (keeps memory flat at scale) */
  recordNormal = true;

  constructor(
    private readonly api: ClusterApi,
    private readonly store: ClusterStore,
    private readonly clock: SimClock,
  ) {}

  /** Records (or repeats) an event. */
  record(
    involved: InvolvedObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    source: { component: string; host?: string },
  ): void {
    if (type === 'Normal' && !this.recordNormal) return;
    const namespace = involved.namespace || 'default';
    const key = `${
      involved.uid ?? involved.name
    }\u0000${reason}\u0000${message}\u0000${source.component}`;
    const now = this.clock.nowIso();
    const seen = this.tracked.get(key);
    if (seen && this.store.get(EVENTS, seen.namespace, seen.name)) {
      seen.lastSeen = this.clock.now();
      this.api.mutate(EVENTS, seen.namespace, seen.name, o => {
        const e = o as KubeObject & { count?: number; lastTimestamp?: string };
        e.count = (e.count ?? 1) + 1;
        e.lastTimestamp = now;
      });
      return;
    }
    const name = `${involved.name}.${Math.floor(
      this.clock.now() * 1e6 + Math.random() * 1e6,
    ).toString(16)}`;
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: involved,
      reason,
      message,
      source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    try {
      this.api.create(EVENTS, namespace, event, { internal: true });
    } catch {
      return; // the namespace is going away: events are best effort
    }
    if (this.tracked.size >= MAX_TRACKED) {
      const oldest = this.tracked.keys().next().value;
      if (oldest !== undefined) this.tracked.delete(oldest);
    }
    this.tracked.set(key, { namespace, name, lastSeen: this.clock.now() });
    this.armSweep();
  }

  private armSweep(): void {
    if (this.sweepTimerArmed) return;
    this.sweepTimerArmed = true;
    this.clock.setTimer(5 * 60_000, () => {
      this.sweepTimerArmed = false;
      this.sweep();
    });
  }

  /** Deletes events past their TTL. */
  sweep(): void {
    const cutoff = this.clock.now() - TTL_MS;
    for (const [key, t] of Array.from(this.tracked.entries())) {
      if (t.lastSeen < cutoff) {
        this.tracked.delete(key);
        this.store.remove(EVENTS, t.namespace, t.name);
      }
    }
    if (this.tracked.size > 0) this.armSweep();
  }
}
