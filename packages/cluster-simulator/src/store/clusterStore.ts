/*
 * The object store of one simulated cluster: one resourceVersion counter for
 * every type (like etcd's revision), sorted tables per type, the retained
 * event window, and synchronous change notification for watchers and
 * controllers. Semantics above storage (defaulting, admission, subresources,
 * deletion) live in the API layer; this class only versions and records.
 */
import { RESOURCE_TYPES, ResourceType } from '../api/resources';
import { extractFields } from '../api/fieldSelector';
import {
  EventHistory,
  HistoryLimits,
  StoreEvent,
  WatchEventType,
} from './eventHistory';
import { ResourceTable } from './resourceTable';
import {
  KubeObject,
  StoredObject,
  internLabels,
  objectKey,
  parseStored,
  serializeObject,
} from './storedObject';

/** Receives every change synchronously, in resourceVersion order. @public */
export type StoreListener = (event: StoreEvent) => void;

/** Default history limits: five minutes, like etcd's default compaction interval. */
export const DEFAULT_HISTORY: HistoryLimits = {
  maxEvents: 10_000,
  maxAgeMs: 5 * 60_000,
};

/** Versioned object storage for one cluster. @public */
export class ClusterStore {
  private revision: number;
  private readonly tables = new Map<string, ResourceTable>();
  readonly history: EventHistory;
  private readonly listeners = new Set<StoreListener>();
  private readonly perTypeListeners = new Map<string, Set<StoreListener>>();

  constructor(
    options: { history?: HistoryLimits; initialRevision?: number } = {},
  ) {
    this.history = new EventHistory(options.history ?? DEFAULT_HISTORY);
    // real clusters never start at 1; a non-trivial start catches clients that
    // treat resourceVersion as a small number
    this.revision = options.initialRevision ?? 1000;
    for (const r of RESOURCE_TYPES) this.tables.set(r.id, new ResourceTable());
  }

  /** The current resourceVersion of the cluster. */
  get currentRevision(): number {
    return this.revision;
  }

  table(r: ResourceType): ResourceTable {
    return this.tables.get(r.id)!;
  }

  get(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
  ): StoredObject | undefined {
    return this.table(r).get(
      objectKey(r.namespaced ? namespace : undefined, name),
    );
  }

  /** A fresh parsed copy of an object, or undefined. */
  getObject(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const s = this.get(r, namespace, name);
    return s ? parseStored(s) : undefined;
  }

  /** Counts objects of a type (optionally in one namespace). */
  count(r: ResourceType, namespace = ''): number {
    const range = this.table(r).range(namespace);
    return range.end - range.start;
  }

  /**
   * Stores a new version of an object and notifies listeners. The object must
   * carry metadata.name (and namespace for namespaced types) and uid; the
   * store stamps metadata.resourceVersion.
   */
  write(r: ResourceType, obj: KubeObject): StoredObject {
    const meta = obj.metadata!;
    const key = objectKey(
      r.namespaced ? meta.namespace : undefined,
      meta.name!,
    );
    const table = this.table(r);
    const previous = table.get(key);
    const rv = ++this.revision;
    meta.resourceVersion = String(rv);
    const stored = this.toStored(r, key, obj, rv);
    table.put(stored);
    this.emit({
      type: previous ? 'MODIFIED' : 'ADDED',
      rv,
      object: stored,
      previous,
      at: Date.now(),
    });
    return stored;
  }

  /** Removes an object; the DELETED event carries it stamped with a new rv. */
  remove(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
  ): StoredObject | undefined {
    const key = objectKey(r.namespaced ? namespace : undefined, name);
    const table = this.table(r);
    const previous = table.get(key);
    if (!previous) return undefined;
    const rv = ++this.revision;
    const obj = parseStored(previous);
    obj.metadata!.resourceVersion = String(rv);
    const final = this.toStored(r, key, obj, rv);
    table.remove(key);
    this.emit({ type: 'DELETED', rv, object: final, previous, at: Date.now() });
    return final;
  }

  /** Subscribes to every change of every type. Returns an unsubscribe function. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribes to the changes of one type. */
  subscribeType(r: ResourceType, listener: StoreListener): () => void {
    let set = this.perTypeListeners.get(r.id);
    if (!set) {
      set = new Set();
      this.perTypeListeners.set(r.id, set);
    }
    set.add(listener);
    return () => set!.delete(listener);
  }

  /** Discards the event history up to the current revision. */
  compact(): number {
    this.history.compact(this.revision);
    return this.revision;
  }

  private toStored(
    r: ResourceType,
    key: string,
    obj: KubeObject,
    rv: number,
  ): StoredObject {
    const meta = obj.metadata!;
    return {
      resource: r,
      key,
      namespace: r.namespaced ? meta.namespace ?? '' : '',
      name: meta.name!,
      uid: meta.uid ?? '',
      rv,
      labels: internLabels(meta.labels),
      fields: extractFields(r, obj),
      json: serializeObject(obj),
    };
  }

  private emit(event: StoreEvent): void {
    this.history.append(event);
    // controllers subscribe per type; watch fan-out subscribes to everything
    for (const l of this.listeners) l(event);
    const typed = this.perTypeListeners.get(event.object.resource.id);
    if (typed) {
      for (const l of typed) l(event);
    }
    event.parsed = undefined;
    event.lines = undefined;
  }
}

/** Re-exported for consumers of store events. */
export type { StoreEvent, WatchEventType };
