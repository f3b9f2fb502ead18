/*
 * DELETE as the API server performs it: preconditions, graceful pod
 * termination (deletionTimestamp first, removal once the kubelet has stopped
 * the containers), finalizers, namespace termination, and the three
 * propagation policies of the garbage collector.
 */
import { KubeObject, StoredObject, parseStored } from '../store/storedObject';
import { ClusterApi } from './clusterApi';
import { ResourceType } from './resources';
import { ApiError, StatusBody, methodNotAllowed } from './status';

/** `DeleteOptions` of a DELETE request. @public */
export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** What a delete did: removed the object, or marked it for deletion. @public */
export interface DeleteResult {
  object: StoredObject;
  removed: boolean;
}

/** Finds objects that name an owner uid in their ownerReferences. */
export type DependentsLookup = (
  ownerUid: string,
) => Array<{ resource: ResourceType; namespace: string; name: string }>;

/** Deletes one object. */
export function deleteObject(
  api: ClusterApi,
  r: ResourceType,
  namespace: string | undefined,
  name: string,
  opts: DeleteOptions,
  dependents: DependentsLookup,
): DeleteResult {
  if (r.readOnly) throw methodNotAllowed();
  const current = api.get(r, namespace, name);
  const obj = parseStored(current);
  const meta = obj.metadata!;
  const pre = opts.preconditions ?? {};
  if (pre.uid && pre.uid !== meta.uid) {
    throw new ApiError(
      409,
      'Conflict',
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid}`,
    );
  }
  if (pre.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
    throw new ApiError(
      409,
      'Conflict',
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`,
    );
  }
  if (opts.dryRun) return { object: current, removed: false };
  const store = api.store;
  const now = api.clock.nowIso();

  if (meta.deletionTimestamp) {
    // already terminating; only a forced pod delete (grace 0) shortens it
    if (r.kind === 'Pod' && opts.gracePeriodSeconds === 0) {
      return { object: store.remove(r, namespace, name)!, removed: true };
    }
    return { object: current, removed: false };
  }

  if (opts.propagationPolicy === 'Orphan') {
    for (const d of dependents(meta.uid!)) {
      api.mutate(d.resource, d.namespace, d.name, o => {
        o.metadata!.ownerReferences = (
          o.metadata!.ownerReferences ?? []
        ).filter(ref => ref.uid !== meta.uid);
        if (o.metadata!.ownerReferences.length === 0)
          delete o.metadata!.ownerReferences;
      });
    }
  }

  if (r.kind === 'Namespace') {
    const marked = api.mutate(r, undefined, name, o => {
      o.metadata!.deletionTimestamp = now;
      (o as KubeObject & { status: Record<string, unknown> }).status = {
        phase: 'Terminating',
      };
    })!;
    return { object: marked, removed: false };
  }

  if (r.kind === 'Pod' && podNeedsGrace(obj, opts)) {
    const grace =
      opts.gracePeriodSeconds ??
      (obj.spec as { terminationGracePeriodSeconds?: number })
        .terminationGracePeriodSeconds ??
      30;
    const marked = api.mutate(r, namespace, name, o => {
      o.metadata!.deletionTimestamp = new Date(api.clock.now() + grace * 1000)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z');
      o.metadata!.deletionGracePeriodSeconds = grace;
    })!;
    return { object: marked, removed: false };
  }

  const finalizers = [...(meta.finalizers ?? [])];
  if (
    opts.propagationPolicy === 'Foreground' &&
    dependents(meta.uid!).length > 0
  ) {
    finalizers.push('foregroundDeletion');
  }
  if (finalizers.length > 0) {
    const marked = api.mutate(r, namespace, name, o => {
      o.metadata!.deletionTimestamp = now;
      o.metadata!.deletionGracePeriodSeconds = 0;
      o.metadata!.finalizers = Array.from(new Set(finalizers));
    })!;
    return { object: marked, removed: false };
  }
  return { object: store.remove(r, namespace, name)!, removed: true };
}

function podNeedsGrace(pod: KubeObject, opts: DeleteOptions): boolean {
  if (opts.gracePeriodSeconds === 0) return false;
  const spec = pod.spec as { nodeName?: string } | undefined;
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return !!spec?.nodeName && phase !== 'Succeeded' && phase !== 'Failed';
}

/** The `Status` a DELETE answers with when the object is gone. */
export function deletedStatus(
  r: ResourceType,
  obj: StoredObject,
): StatusBody & { status: 'Success' } {
  const details: StatusBody['details'] = { name: obj.name };
  if (r.group) details.group = r.group;
  details.kind = r.plural;
  details.uid = obj.uid;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details,
  } as unknown as StatusBody & { status: 'Success' };
}
