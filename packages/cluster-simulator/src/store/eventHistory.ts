/*
 * The retained window of change events of one cluster, which is what lets a
 * watch resume from an older resourceVersion. Like etcd compaction plus the
 * API server's watch cache, history is bounded by count and by age; a resume
 * from before the window gets `410 Gone`.
 */
import { KubeObject, StoredObject, parseStored } from './storedObject';

/** A change as delivered to watchers. @public */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change in one cluster. @public */
export interface StoreEvent {
  readonly type: WatchEventType;
  readonly rv: number;
  /** the new version; for DELETED the final version, stamped with the delete's rv */
  readonly object: StoredObject;
  /** the version before the change (MODIFIED and DELETED) */
  readonly previous?: StoredObject;
  /** wall-clock time of the change, for age-based retention */
  readonly at: number;
  /** encoded `{"type":...,"object":...}` lines, built at most once per type while dispatching */
  lines?: Partial<Record<WatchEventType, Buffer>>;
  /** the parsed object, shared by listeners while the event is dispatched (then dropped) */
  parsed?: KubeObject;
}

/**
 * The parsed object of an event, parsed once for all listeners. Listeners must
 * treat it as read-only; it is released when dispatch ends so the history
 * keeps only the compact JSON.
 */
export function eventObject(e: StoreEvent): KubeObject {
  if (!e.parsed) e.parsed = parseStored(e.object);
  return e.parsed;
}

/**
 * The newline-terminated watch line of an event, encoded once and written as
 * the same bytes to every watcher. Cached only while the event is dispatched,
 * so the retained history holds nothing but the object JSON.
 */
export function eventLine(
  e: StoreEvent,
  asType: WatchEventType = e.type,
): Buffer {
  const cache = e.lines ?? (e.lines = {});
  let line = cache[asType];
  if (line === undefined) {
    line = Buffer.from(`{"type":"${asType}","object":${e.object.json}}\n`);
    cache[asType] = line;
  }
  return line;
}

/** Limits of the retained window. @public */
export interface HistoryLimits {
  /** most events kept per cluster */
  maxEvents: number;
  /** oldest event kept, in wall-clock milliseconds */
  maxAgeMs: number;
}

/** A ring buffer of events ordered by resourceVersion. */
export class EventHistory {
  private buffer: Array<StoreEvent | undefined>;
  private head = 0; // index of the oldest event
  private count = 0;
  /** every event with rv <= compactedRv has been discarded */
  private compactedRv = 0;

  constructor(private limits: HistoryLimits) {
    this.buffer = new Array(Math.max(16, limits.maxEvents));
  }

  /** The resourceVersion below which resumes are impossible. */
  get compactedRevision(): number {
    return this.compactedRv;
  }

  get size(): number {
    return this.count;
  }

  setLimits(limits: HistoryLimits): void {
    const events = this.toArray();
    this.limits = limits;
    this.buffer = new Array(Math.max(16, limits.maxEvents));
    this.head = 0;
    this.count = 0;
    for (const e of events) this.append(e);
  }

  append(e: StoreEvent): void {
    if (this.count === this.buffer.length) this.dropOldest();
    this.buffer[(this.head + this.count) % this.buffer.length] = e;
    this.count++;
    this.expire(e.at);
  }

  /** Drops events older than the age limit. */
  expire(now: number): void {
    const cutoff = now - this.limits.maxAgeMs;
    while (this.count > 0 && this.buffer[this.head]!.at < cutoff) {
      this.dropOldest();
    }
  }

  /** Discards all history up to `rv` (fault injection: compaction). */
  compact(rv: number): void {
    while (this.count > 0 && this.buffer[this.head]!.rv <= rv) {
      this.dropOldest();
    }
    this.compactedRv = Math.max(this.compactedRv, rv);
  }

  /**
   * Events with rv greater than `fromRv`, or undefined when some of them have
   * already been discarded (the caller answers 410).
   */
  since(fromRv: number): StoreEvent[] | undefined {
    if (fromRv < this.compactedRv) return undefined;
    const out: StoreEvent[] = [];
    // binary search on the ring for the first rv > fromRv
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).rv <= fromRv) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.count; i++) out.push(this.at(i));
    return out;
  }

  private at(i: number): StoreEvent {
    return this.buffer[(this.head + i) % this.buffer.length]!;
  }

  private toArray(): StoreEvent[] {
    const out: StoreEvent[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.at(i));
    return out;
  }

  private dropOldest(): void {
    const e = this.buffer[this.head]!;
    this.buffer[this.head] = undefined;
    this.head = (this.head + 1) % this.buffer.length;
    this.count--;
    this.compactedRv = Math.max(this.compactedRv, e.rv);
  }
}
