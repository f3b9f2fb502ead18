/*
 * The owner graph and the garbage collector. Every change is parsed once
 * here to index ownerReferences; controllers then ask "which pods does this
 * ReplicaSet own" without scanning. When an owner disappears its dependents
 * are deleted in the background; owners deleted in the foreground keep their
 * `foregroundDeletion` finalizer until their dependents are gone.
 */
import { deleteObject } from '../api/deletion';
import { RESOURCE_TYPES, ResourceType } from '../api/resources';
import { StoreEvent, eventObject } from '../store/eventHistory';
import { OwnerReference } from '../store/storedObject';
import { Controller, ControllerContext } from './controller';

/** A reference to a stored object. @public */
export interface ObjectRef {
  resource: ResourceType;
  namespace: string;
  name: string;
}

/** What controllers need to know about a pod, kept so they never re-parse pods. @public */
export interface PodSummary {
  namespace: string;
  name: string;
  uid: string;
  phase: string;
  ready: boolean;
  /** not terminating and not finished: counts towards its controller's replicas */
  active: boolean;
  scheduled: boolean;
  created: string;
  labels: Readonly<Record<string, string>>;
  /** the node a DaemonSet pod is pinned to through its node affinity */
  pinnedNode?: string;
}

interface Indexed {
  uid: string;
  owners: OwnerReference[];
  deleting: boolean;
  foreground: boolean;
  pod?: PodSummary;
}

function summarizePod(
  obj: Record<string, any>,
  labels: Readonly<Record<string, string>>,
): PodSummary {
  const phase = obj.status?.phase ?? 'Pending';
  const deleting = !!obj.metadata?.deletionTimestamp;
  return {
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    uid: obj.metadata.uid,
    phase,
    ready: (
      (obj.status?.conditions ?? []) as Array<Record<string, unknown>>
    ).some(c => c.type === 'Ready' && c.status === 'True'),
    active: !deleting && phase !== 'Succeeded' && phase !== 'Failed',
    scheduled: !!obj.spec?.nodeName,
    created: obj.metadata.creationTimestamp,
    labels,
    pinnedNode:
      obj.spec?.affinity?.nodeAffinity
        ?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]
        ?.matchFields?.[0]?.values?.[0],
  };
}

const byId = new Map(RESOURCE_TYPES.map(r => [r.id, r]));

function refKey(resourceId: string, key: string): string {
  return `${resourceId}|${key}`;
}

function parseRefKey(k: string): ObjectRef {
  const bar = k.indexOf('|');
  const resource = byId.get(k.slice(0, bar))!;
  const key = k.slice(bar + 1);
  const slash = key.indexOf('/');
  return resource.namespaced
    ? { resource, namespace: key.slice(0, slash), name: key.slice(slash + 1) }
    : { resource, namespace: '', name: key };
}

/** Garbage collector with the owner index. */
export class GarbageCollector extends Controller {
  private readonly objects = new Map<string, Indexed>();
  private readonly dependentsByOwner = new Map<string, Set<string>>();
  private readonly uidToRef = new Map<string, string>();
  private readonly unsubscribe: () => void;

  constructor(ctx: ControllerContext) {
    super(ctx, 'garbage-collector');
    this.unsubscribe = ctx.store.subscribe(e => this.index(e));
  }

  /** Objects whose ownerReferences name `ownerUid`. */
  dependents(ownerUid: string): ObjectRef[] {
    const set = this.dependentsByOwner.get(ownerUid);
    return set ? Array.from(set, parseRefKey) : [];
  }

  /** Number of dependents, cheaper than listing them. */
  dependentCount(ownerUid: string): number {
    return this.dependentsByOwner.get(ownerUid)?.size ?? 0;
  }

  /** Summaries of the pods an owner controls. */
  podsControlledBy(ownerUid: string): PodSummary[] {
    const out: PodSummary[] = [];
    for (const k of this.dependentsByOwner.get(ownerUid) ?? []) {
      const entry = this.objects.get(k);
      if (
        entry?.pod &&
        entry.owners.some(o => o.uid === ownerUid && o.controller)
      )
        out.push(entry.pod);
    }
    return out;
  }

  /** The controller owner of a stored object, if indexed. */
  controllerOf(resourceId: string, key: string): OwnerReference | undefined {
    return this.objects
      .get(refKey(resourceId, key))
      ?.owners.find(o => o.controller);
  }

  stop(): void {
    this.unsubscribe();
    super.stop();
  }

  private index(e: StoreEvent): void {
    const s = e.object;
    const k = refKey(s.resource.id, s.key);
    const old = this.objects.get(k);
    if (old)
      for (const o of old.owners) this.dependentsByOwner.get(o.uid)?.delete(k);
    if (e.type === 'DELETED') {
      this.objects.delete(k);
      this.uidToRef.delete(s.uid);
      // dependents of a vanished owner are collected asynchronously
      if (this.dependentsByOwner.get(s.uid)?.size)
        this.enqueue(`orphaned|${s.uid}`);
      return;
    }
    const obj = eventObject(e);
    const meta = obj.metadata!;
    // keep only what ownership needs: uid, kind, name, controller
    const owners: OwnerReference[] = (meta.ownerReferences ?? []).map(o => ({
      apiVersion: '',
      kind: o.kind,
      name: o.name,
      uid: o.uid,
      controller: o.controller,
    }));
    const finalizers = meta.finalizers ?? [];
    const entry: Indexed = {
      uid: s.uid,
      owners,
      deleting: !!meta.deletionTimestamp,
      foreground: finalizers.includes('foregroundDeletion'),
      pod:
        s.resource.kind === 'Pod'
          ? summarizePod(obj as Record<string, any>, s.labels)
          : undefined,
    };
    this.objects.set(k, entry);
    this.uidToRef.set(s.uid, k);
    for (const o of owners) {
      let set = this.dependentsByOwner.get(o.uid);
      if (!set) {
        set = new Set();
        this.dependentsByOwner.set(o.uid, set);
      }
      set.add(k);
      // a dependent of an owner that is already gone (or created after it) is collected too
      if (!this.uidToRef.has(o.uid)) this.enqueue(`orphaned|${o.uid}`);
    }
    if (entry.foreground) this.enqueue(`foreground|${k}`);
    for (const o of old?.owners ?? []) {
      const ownerKey = this.uidToRef.get(o.uid);
      if (ownerKey && this.objects.get(ownerKey)?.foreground)
        this.enqueue(`foreground|${ownerKey}`);
    }
  }

  protected reconcile(key: string): void {
    const bar = key.indexOf('|');
    const kind = key.slice(0, bar);
    const rest = key.slice(bar + 1);
    if (kind === 'orphaned') this.collectOrphans(rest);
    else if (kind === 'foreground') this.finishForeground(rest);
  }

  private collectOrphans(ownerUid: string): void {
    if (this.uidToRef.has(ownerUid)) return; // the owner exists (again)
    for (const dep of this.dependents(ownerUid)) {
      const indexed = this.objects.get(
        refKey(
          dep.resource.id,
          `${dep.namespace ? `${dep.namespace}/` : ''}${dep.name}`,
        ),
      );
      if (!indexed) continue;
      const living = indexed.owners.filter(
        o => o.uid !== ownerUid && this.uidToRef.has(o.uid),
      );
      if (living.length > 0) {
        this.ctx.api.mutate(dep.resource, dep.namespace, dep.name, o => {
          o.metadata!.ownerReferences = (
            o.metadata!.ownerReferences ?? []
          ).filter(r => r.uid !== ownerUid);
        });
        continue;
      }
      if (indexed.deleting) continue;
      try {
        deleteObject(
          this.ctx.api,
          dep.resource,
          dep.namespace || undefined,
          dep.name,
          { propagationPolicy: 'Background' },
          uid => this.dependents(uid),
        );
      } catch {
        // already gone
      }
    }
  }

  private finishForeground(k: string): void {
    const entry = this.objects.get(k);
    if (!entry || !entry.foreground) return;
    const deps = this.dependents(entry.uid);
    for (const dep of deps) {
      const indexed = this.objects.get(
        refKey(
          dep.resource.id,
          `${dep.namespace ? `${dep.namespace}/` : ''}${dep.name}`,
        ),
      );
      if (indexed && !indexed.deleting) {
        try {
          deleteObject(
            this.ctx.api,
            dep.resource,
            dep.namespace || undefined,
            dep.name,
            { propagationPolicy: 'Foreground' },
            uid => this.dependents(uid),
          );
        } catch {
          // already gone
        }
      }
    }
    if (this.dependentCount(entry.uid) === 0) {
      const ref = parseRefKey(k);
      this.ctx.api.mutate(
        ref.resource,
        ref.namespace || undefined,
        ref.name,
        o => {
          o.metadata!.finalizers = (o.metadata!.finalizers ?? []).filter(
            f => f !== 'foregroundDeletion',
          );
        },
      );
    }
  }
}
