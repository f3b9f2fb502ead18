/*
 * Watch fan-out for one cluster. Each change is serialized once (the event
 * line is cached on the event) and written to every matching watcher. Like
 * the API server's watch cache, a watcher with a selector sees an object that
 * starts matching as ADDED and one that stops matching as DELETED.
 */
import { FieldSelector } from '../api/fieldSelector';
import { LabelSelector } from '../api/labelSelector';
import { ResourceType, apiVersionOf } from '../api/resources';
import { statusBody } from '../api/status';
import { ClusterStore } from '../store/clusterStore';
import { StoreEvent, WatchEventType, eventLine } from '../store/eventHistory';
import { StoredObject } from '../store/storedObject';

/** Where a watcher's lines go (an HTTP response in practice). @public */
export interface WatchSink {
  /** writes one line; returns the bytes still buffered for the client */
  write(line: string | Buffer): number;
  /** ends the stream; `abort` resets the connection instead of ending it cleanly */
  end(abort?: boolean): void;
}

/** What one watch asked for. @public */
export interface WatchSpec {
  resource: ResourceType;
  namespace: string;
  labelSelector: LabelSelector;
  fieldSelector: FieldSelector;
  allowBookmarks: boolean;
  /** custom rendering (server-side printing as Table); default is the object JSON */
  render?: (type: WatchEventType, obj: StoredObject) => string;
}

interface Watcher extends WatchSpec {
  sink: WatchSink;
  closed: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/** Buffered bytes after which a slow watcher is dropped, as the API server drops unresponsive ones. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

function withRevision(json: string, rv: number): string {
  return json.replace(/"resourceVersion":"\d*"/, `"resourceVersion":"${rv}"`);
}

/** Tracks the open watches of one cluster. */
export class WatchHub {
  private readonly byType = new Map<string, Set<Watcher>>();
  private bookmarkTimer?: ReturnType<typeof setInterval>;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ClusterStore,
    bookmarkIntervalMs: number,
  ) {
    this.unsubscribe = store.subscribe(e => this.dispatch(e));
    if (bookmarkIntervalMs > 0) {
      this.bookmarkTimer = setInterval(
        () => this.sendBookmarks(),
        bookmarkIntervalMs,
      );
      this.bookmarkTimer.unref?.();
    }
  }

  /** Number of open watches. */
  get size(): number {
    let n = 0;
    for (const set of this.byType.values()) n += set.size;
    return n;
  }

  /**
   * Starts a watch. `fromRv` undefined means "current state first": synthetic
   * ADDED events for every matching object, then changes. Returns a function
   * that detaches the watcher (call it when the client disconnects), or
   * undefined when the stream has already been ended (410 and 504 cases).
   */
  open(
    spec: WatchSpec,
    sink: WatchSink,
    fromRv: number | undefined,
    options: { timeoutMs?: number; sendInitialEventsEndBookmark?: boolean },
  ): (() => void) | undefined {
    const w: Watcher = { ...spec, sink, closed: false };
    if (fromRv === undefined) {
      const table = this.store.table(spec.resource);
      for (const obj of table.values(spec.namespace)) {
        if (this.matches(w, obj)) this.send(w, 'ADDED', obj);
      }
      if (options.sendInitialEventsEndBookmark) {
        this.sendBookmark(w, { 'k8s.io/initial-events-end': 'true' });
      }
    } else if (fromRv > this.store.currentRevision) {
      // a client ahead of the server: the API server waits briefly, then says so
      sink.write(
        `${JSON.stringify({
          type: 'ERROR',
          object: statusBody(
            504,
            'Timeout',
            `Timeout: Too large resource version: ${fromRv}, current: ${this.store.currentRevision}`,
            {
              causes: [
                {
                  reason: 'ResourceVersionTooLarge',
                  message: 'Too large resource version',
                },
              ],
              retryAfterSeconds: 1,
            },
          ),
        })}\n`,
      );
      sink.end();
      return undefined;
    } else {
      const events = this.store.history.since(fromRv);
      if (!events) {
        sink.write(
          `${JSON.stringify({
            type: 'ERROR',
            object: statusBody(
              410,
              'Expired',
              `too old resource version: ${fromRv} (${
                this.store.history.compactedRevision + 1
              })`,
            ),
          })}\n`,
        );
        sink.end();
        return undefined;
      }
      for (const e of events) {
        if (e.object.resource.id === spec.resource.id) this.deliver(w, e);
        if (w.closed) return undefined;
      }
    }
    let set = this.byType.get(spec.resource.id);
    if (!set) {
      set = new Set();
      this.byType.set(spec.resource.id, set);
    }
    set.add(w);
    if (options.timeoutMs && options.timeoutMs > 0) {
      w.timer = setTimeout(() => this.close(w, false), options.timeoutMs);
    }
    return () => this.detach(w);
  }

  /** Ends every watch (fault injection, restarts, shutdown). */
  dropAll(abort: boolean): number {
    let n = 0;
    for (const set of this.byType.values()) {
      for (const w of Array.from(set)) {
        this.close(w, abort);
        n++;
      }
    }
    return n;
  }

  /** Sends a bookmark to every watcher that asked for them. */
  sendBookmarks(): void {
    for (const set of this.byType.values()) {
      for (const w of set) {
        if (w.allowBookmarks && !w.render) this.sendBookmark(w);
      }
    }
  }

  dispose(): void {
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer);
    this.unsubscribe();
    this.dropAll(true);
  }

  private detach(w: Watcher): void {
    w.closed = true;
    if (w.timer) clearTimeout(w.timer);
    this.byType.get(w.resource.id)?.delete(w);
  }

  private close(w: Watcher, abort: boolean): void {
    if (w.closed) return;
    this.detach(w);
    w.sink.end(abort);
  }

  private matches(w: Watcher, obj: StoredObject): boolean {
    if (w.namespace && obj.namespace !== w.namespace) return false;
    return w.labelSelector.matches(obj.labels) && w.fieldSelector.matches(obj);
  }

  private dispatch(e: StoreEvent): void {
    const set = this.byType.get(e.object.resource.id);
    if (!set || set.size === 0) return;
    for (const w of set) this.deliver(w, e);
  }

  private deliver(w: Watcher, e: StoreEvent): void {
    const now = this.matches(w, e.object);
    const before = e.previous ? this.matches(w, e.previous) : false;
    if (e.type === 'ADDED') {
      if (now) this.sendEvent(w, e, 'ADDED');
    } else if (e.type === 'DELETED') {
      if (now || before) this.sendEvent(w, e, 'DELETED');
    } else if (now && before) {
      this.sendEvent(w, e, 'MODIFIED');
    } else if (now) {
      this.sendEvent(w, e, 'ADDED');
    } else if (before) {
      // the object left the selection: report its last matching state as deleted
      const json = withRevision(e.previous!.json, e.rv);
      this.write(w, `{"type":"DELETED","object":${json}}\n`);
    }
  }

  private sendEvent(w: Watcher, e: StoreEvent, type: WatchEventType): void {
    if (w.render)
      this.write(
        w,
        `{"type":"${type}","object":${w.render(type, e.object)}}\n`,
      );
    else this.write(w, eventLine(e, type));
  }

  private send(w: Watcher, type: WatchEventType, obj: StoredObject): void {
    const body = w.render ? w.render(type, obj) : obj.json;
    this.write(w, `{"type":"${type}","object":${body}}\n`);
  }

  private sendBookmark(w: Watcher, annotations?: Record<string, string>): void {
    const metadata: Record<string, unknown> = {
      resourceVersion: String(this.store.currentRevision),
      creationTimestamp: null,
    };
    if (annotations) metadata.annotations = annotations;
    this.write(
      w,
      `${JSON.stringify({
        type: 'BOOKMARK',
        object: {
          kind: w.resource.kind,
          apiVersion: apiVersionOf(w.resource),
          metadata,
        },
      })}\n`,
    );
  }

  private write(w: Watcher, line: string | Buffer): void {
    if (w.closed) return;
    const buffered = w.sink.write(line);
    if (buffered > MAX_BUFFERED_BYTES) this.close(w, true);
  }
}
