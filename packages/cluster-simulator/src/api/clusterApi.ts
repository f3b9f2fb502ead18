/*
 * The request semantics of one cluster's API server, independent of HTTP:
 * create, update, patch (merge, JSON, strategic, apply), get, list, with
 * defaulting, validation, admission, optimistic concurrency, generation
 * tracking and the status subresource split. Controllers write through the
 * same methods, so their writes are admitted and versioned like any client's.
 */
import { SimClock } from '../sim/clock';
import { Rng } from '../sim/random';
import { ClusterStore } from '../store/clusterStore';
import {
  KubeObject,
  StoredObject,
  parseStored,
  serializeObject,
} from '../store/storedObject';
import { applyDefaults } from './defaults';
import { ListQuery, ListResult, listObjects } from './listing';
import { jsonEqual } from './listSemantics';
import { applyJsonPatch, applyMergePatch, strategicMerge } from './patches';
import { normaliseQuantities } from './quantities';
import { ResourceType, apiVersionOf, resourceById } from './resources';
import { serverSideApply, trackUpdate } from './serverSideApply';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  methodNotAllowed,
  notFound,
  unsupportedMediaType,
} from './status';
import { validateObject, validatePodUpdate } from './validation';
import { AdmissionPlugin, WriteOptions } from './writeContext';

/** Patch formats accepted by PATCH. @public */
export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

/** Maps a PATCH Content-Type to a patch type. */
export function patchTypeOf(contentType: string): PatchType {
  const ct = contentType.split(';')[0].trim();
  switch (ct) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/json-patch+json':
      return 'json';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+cbor':
      return 'apply';
    default:
      throw unsupportedMediaType(ct);
  }
}

const NAMESPACES = resourceById('core/namespaces');

/** The API semantics of one simulated cluster. @public */
export class ClusterApi {
  private readonly admission: AdmissionPlugin[] = [];
  private serviceIpCounter = 10;

  constructor(
    readonly store: ClusterStore,
    readonly clock: SimClock,
    readonly rng: Rng,
  ) {}

  /** Adds a validating admission plugin (quota, for example). */
  addAdmission(plugin: AdmissionPlugin): void {
    this.admission.push(plugin);
  }

  get(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
  ): StoredObject {
    const s = this.store.get(r, namespace, name);
    if (!s) throw notFound(r, name);
    return s;
  }

  list(r: ResourceType, q: ListQuery): ListResult {
    return listObjects(this.store, r, q);
  }

  /** Creates an object (POST). */
  create(
    r: ResourceType,
    namespace: string | undefined,
    body: KubeObject,
    opts: WriteOptions = {},
  ): StoredObject {
    if (r.readOnly) throw methodNotAllowed();
    const obj = this.checkBody(r, body);
    const meta = (obj.metadata = obj.metadata ?? {});
    if (r.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = meta.namespace || namespace || 'default';
      this.checkNamespaceWritable(meta.namespace);
    } else {
      delete meta.namespace;
    }
    if (!meta.name && meta.generateName)
      meta.name = `${meta.generateName}${this.rng.suffix()}`;
    if (!meta.name) {
      throw invalid(r, '', [
        {
          field: 'metadata.name',
          message: 'Required value: name or generateName is required',
          type: 'FieldValueRequired',
        },
      ]);
    }
    if (this.store.get(r, meta.namespace, meta.name))
      throw alreadyExists(r, meta.name);
    if (
      r.subresources.includes('status') &&
      !opts.internal &&
      r.kind !== 'Namespace'
    )
      delete obj.status;
    meta.uid = this.rng.uuid();
    meta.creationTimestamp = this.clock.nowIso();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    if (r.tracksGeneration && r.kind !== 'Pod') meta.generation = 1;
    else delete meta.generation;
    applyDefaults(obj, {
      randomSuffix: () => this.rng.suffix(),
      allocateServiceIp: () => this.allocateServiceIp(),
    });
    validateObject(r, obj);
    if (!opts.internal || opts.manager) {
      trackUpdate({
        previous: undefined,
        next: obj,
        manager: opts.manager ?? 'unknown',
        builtIn: !r.custom,
        apiVersion: apiVersionOf(r),
        now: meta.creationTimestamp,
      });
    }
    for (const plugin of this.admission) {
      plugin({
        operation: 'CREATE',
        resource: r,
        object: obj,
        internal: !!opts.internal,
        warn: m => opts.warnings?.push(m),
      });
    }
    if (opts.dryRun) return this.dryRunResult(r, obj);
    return this.store.write(r, obj);
  }

  /** Replaces an object (PUT), or its status with `subresource: 'status'`. */
  update(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    opts: WriteOptions = {},
  ): StoredObject {
    if (r.readOnly) throw methodNotAllowed();
    const current = this.get(r, namespace, name);
    const previous = parseStored(current);
    const next = this.checkBody(r, body);
    const meta = (next.metadata = next.metadata ?? {});
    if (meta.name && meta.name !== name) {
      throw badRequest(
        `the name of the object (${meta.name}) does not match the name on the URL (${name})`,
      );
    }
    if (meta.resourceVersion && meta.resourceVersion !== String(current.rv))
      throw conflict(r, name);
    if (meta.uid && meta.uid !== previous.metadata!.uid) {
      throw new ApiError(
        409,
        'Conflict',
        `Precondition failed: UID in precondition: ${
          meta.uid
        }, UID in object meta: ${previous.metadata!.uid}`,
      );
    }
    return this.commitUpdate(r, previous, next, opts);
  }

  /** Applies a patch (PATCH); an apply patch creates the object when missing. */
  patch(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    opts: WriteOptions & { force?: boolean } = {},
  ): StoredObject {
    if (r.readOnly) throw methodNotAllowed();
    const current = this.store.get(r, namespace, name);
    if (type === 'apply')
      return this.apply(r, namespace, name, current, patch as KubeObject, opts);
    if (!current) throw notFound(r, name);
    const previous = parseStored(current);
    let next: KubeObject;
    if (type === 'merge') next = applyMergePatch(previous, patch) as KubeObject;
    else if (type === 'json')
      next = applyJsonPatch(previous, patch) as KubeObject;
    else {
      if (r.custom)
        throw unsupportedMediaType('application/strategic-merge-patch+json');
      next = strategicMerge(previous, patch, true) as KubeObject;
    }
    const wantedRv = (patch as KubeObject)?.metadata?.resourceVersion;
    if (wantedRv && wantedRv !== String(current.rv)) throw conflict(r, name);
    next.metadata = next.metadata ?? {};
    next.metadata.resourceVersion = String(current.rv);
    return this.commitUpdate(r, previous, next, opts);
  }

  /**
   * Read-modify-write for controllers: `mutate` edits a fresh copy; returning
   * false skips the write. Unchanged objects are not rewritten.
   */
  mutate(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
    mutate: (obj: KubeObject) => void | false,
    opts: WriteOptions = {},
  ): StoredObject | undefined {
    const current = this.store.get(r, namespace, name);
    if (!current) return undefined;
    const next = parseStored(current);
    if (mutate(next) === false) return current;
    const internal = opts.internal ?? true;
    if (
      internal &&
      !opts.manager &&
      !opts.dryRun &&
      !current.json.includes('"managedFields"')
    ) {
      return this.commitInternal(r, current, next, opts.subresource);
    }
    return this.commitUpdate(r, parseStored(current), next, {
      internal: true,
      ...opts,
    });
  }

  /**
   * The fast path of controller writes to objects without ownership records
   * (pods, nodes, events at scale): the simulated control plane is trusted,
   * so no validation or ownership bookkeeping, and "did anything change" is
   * a string comparison instead of a deep one.
   */
  private commitInternal(
    r: ResourceType,
    current: StoredObject,
    next: KubeObject,
    subresource?: 'status',
  ): StoredObject {
    next.apiVersion = apiVersionOf(r);
    next.kind = r.kind;
    const meta = (next.metadata = next.metadata ?? {});
    meta.resourceVersion = String(current.rv);
    if (r.tracksGeneration && r.kind !== 'Pod' && subresource !== 'status') {
      const previous = parseStored(current);
      meta.generation = previous.metadata?.generation ?? 1;
      if (!jsonEqual(specOf(previous), specOf(next))) meta.generation += 1;
    }
    if (serializeObject(next) === current.json) return current;
    for (const plugin of this.admission) {
      plugin({
        operation: 'UPDATE',
        resource: r,
        object: next,
        subresource,
        internal: true,
        warn: () => {},
      });
    }
    const pm = meta;
    if (
      pm.deletionTimestamp &&
      (pm.finalizers ?? []).length === 0 &&
      current.json.includes('"finalizers"')
    ) {
      // the last finalizer is gone: the object can finally be deleted
      return (
        this.store.remove(r, current.namespace || undefined, current.name) ??
        current
      );
    }
    return this.store.write(r, next);
  }

  private apply(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
    current: StoredObject | undefined,
    applied: KubeObject,
    opts: WriteOptions & { force?: boolean },
  ): StoredObject {
    if (!opts.manager) {
      throw badRequest(
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    }
    const body = this.checkBody(r, applied);
    body.metadata = body.metadata ?? {};
    if (body.metadata.name && body.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const wantedRv = body.metadata.resourceVersion;
    if (wantedRv && current && wantedRv !== String(current.rv))
      throw conflict(r, name);
    delete body.metadata.resourceVersion;
    const live = current ? parseStored(current) : undefined;
    const merged = serverSideApply({
      live,
      applied: body,
      manager: opts.manager,
      force: !!opts.force,
      subresource: opts.subresource,
      builtIn: !r.custom,
      apiVersion: apiVersionOf(r),
      now: this.clock.nowIso(),
    });
    merged.apiVersion = apiVersionOf(r);
    merged.kind = r.kind;
    merged.metadata!.name = name;
    if (!live) {
      // the apply creates the object; create keeps the ownership apply computed
      if (opts.subresource !== 'status' && r.subresources.includes('status'))
        delete merged.status;
      return this.create(r, namespace, merged, {
        ...opts,
        manager: undefined,
        internal: true,
      });
    }
    return this.commitUpdate(r, live, merged, {
      ...opts,
      manager: undefined,
      ownershipDone: true,
    } as WriteOptions);
  }

  private commitUpdate(
    r: ResourceType,
    previous: KubeObject,
    requested: KubeObject,
    opts: WriteOptions & { ownershipDone?: boolean },
  ): StoredObject {
    let next = requested;
    // a patch can bring numbers the body check never saw
    if (!opts.internal) normaliseQuantities(r, requested);
    if (opts.subresource === 'status') {
      // status writes change status only: metadata and spec stay as they were
      // (a shallow copy is enough: nothing below mutates previous' sub-objects)
      const managed = requested.metadata?.managedFields;
      next = {
        ...previous,
        metadata: { ...previous.metadata },
        status: requested.status,
      };
      if (managed) next.metadata!.managedFields = managed;
    }
    const pm = previous.metadata!;
    const nm = (next.metadata = next.metadata ?? {});
    // server-owned metadata cannot be changed by writes
    nm.name = pm.name;
    if (r.namespaced) nm.namespace = pm.namespace;
    nm.uid = pm.uid;
    nm.creationTimestamp = pm.creationTimestamp;
    if (!opts.internal) {
      // only the deletion machinery (internal writes) sets deletion metadata
      if (pm.deletionTimestamp) nm.deletionTimestamp = pm.deletionTimestamp;
      else delete nm.deletionTimestamp;
      if (pm.deletionGracePeriodSeconds !== undefined)
        nm.deletionGracePeriodSeconds = pm.deletionGracePeriodSeconds;
      else delete nm.deletionGracePeriodSeconds;
    }
    next.apiVersion = apiVersionOf(r);
    next.kind = r.kind;
    if (
      opts.subresource !== 'status' &&
      r.subresources.includes('status') &&
      !opts.internal
    ) {
      // the main resource ignores status changes when status is a subresource
      if (previous.status === undefined) delete next.status;
      else next.status = previous.status;
    }
    if (!opts.internal && r.kind === 'Pod')
      validatePodUpdate(r, previous, next);
    if (r.tracksGeneration && r.kind !== 'Pod') {
      nm.generation = pm.generation ?? 1;
      if (
        opts.subresource !== 'status' &&
        !jsonEqual(specOf(previous), specOf(next))
      ) {
        nm.generation = (pm.generation ?? 1) + 1;
      }
    }
    if (opts.subresource !== 'status') validateObject(r, next, previous);
    const tracked =
      !opts.ownershipDone &&
      (!opts.internal || opts.manager || pm.managedFields);
    if (tracked) {
      trackUpdate({
        previous,
        next,
        manager:
          opts.manager ??
          (opts.internal ? 'kube-controller-manager' : 'unknown'),
        subresource: opts.subresource,
        builtIn: !r.custom,
        apiVersion: apiVersionOf(r),
        now: this.clock.nowIso(),
      });
    }
    for (const plugin of this.admission) {
      plugin({
        operation: 'UPDATE',
        resource: r,
        object: next,
        previous,
        subresource: opts.subresource,
        internal: !!opts.internal,
        warn: m => opts.warnings?.push(m),
      });
    }
    const current = this.store.get(r, pm.namespace, pm.name!)!;
    if (opts.dryRun) return this.dryRunResult(r, next);
    if (unchanged(previous, next)) return current;
    if (
      nm.deletionTimestamp &&
      (nm.finalizers ?? []).length === 0 &&
      (pm.finalizers ?? []).length > 0
    ) {
      // the last finalizer is gone: the object can finally be deleted
      return this.store.remove(r, pm.namespace, pm.name!) ?? current;
    }
    return this.store.write(r, next);
  }

  private checkBody(r: ResourceType, body: KubeObject): KubeObject {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw badRequest('the body of the request was in an unknown format');
    }
    const want = apiVersionOf(r);
    if (body.apiVersion && body.apiVersion !== want) {
      throw badRequest(
        `the API version in the data (${body.apiVersion}) does not match the expected API version (${want})`,
      );
    }
    if (body.kind && body.kind !== r.kind) {
      throw badRequest(
        `the kind in the data (${body.kind}) does not match the expected kind (${r.kind})`,
      );
    }
    const obj = JSON.parse(JSON.stringify(body)) as KubeObject;
    obj.apiVersion = want;
    obj.kind = r.kind;
    normaliseQuantities(r, obj);
    return obj;
  }

  private checkNamespaceWritable(namespace: string): void {
    const ns = this.store.get(NAMESPACES, undefined, namespace);
    if (!ns) throw notFound(NAMESPACES, namespace);
    if (
      (parseStored(ns).status as { phase?: string } | undefined)?.phase ===
      'Terminating'
    ) {
      throw forbidden(
        NAMESPACES,
        '',
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  private dryRunResult(r: ResourceType, obj: KubeObject): StoredObject {
    return {
      resource: r,
      key: obj.metadata!.name!,
      namespace: obj.metadata!.namespace ?? '',
      name: obj.metadata!.name!,
      uid: obj.metadata!.uid ?? '',
      rv: this.store.currentRevision,
      labels: obj.metadata!.labels ?? {},
      json: serializeObject(obj),
    };
  }

  private allocateServiceIp(): string {
    const n = this.serviceIpCounter++;
    return `172.20.${(n >> 8) & 255}.${n & 255}`;
  }
}

function specOf(o: KubeObject): unknown {
  const { metadata, status, ...rest } = o;
  void metadata;
  void status;
  return rest;
}

function unchanged(a: KubeObject, b: KubeObject): boolean {
  // a write that changes nothing but timestamps of ownership is a no-op, as on the API server
  const strip = (o: KubeObject) => {
    const copy = { ...o, metadata: { ...o.metadata } };
    delete copy.metadata.resourceVersion;
    copy.metadata.managedFields = (o.metadata?.managedFields ?? []).map(e => ({
      ...e,
      time: undefined,
    }));
    return copy;
  };
  return jsonEqual(strip(a), strip(b));
}
