/*
 * The `scale` subresource (autoscaling/v1 `Scale`), through which `kubectl
 * scale`, the HPA and KEDA change replica counts without touching the rest of
 * the object.
 */
import { KubeObject, StoredObject, parseStored } from '../store/storedObject';
import { ClusterApi, PatchType } from './clusterApi';
import { labelSelectorToString, LabelSelectorObject } from './labelSelector';
import { applyJsonPatch, applyMergePatch, strategicMerge } from './patches';
import { ResourceType } from './resources';
import { badRequest, conflict, notFound } from './status';
import { WriteOptions } from './writeContext';

function readPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function writePath(
  obj: Record<string, unknown>,
  path: string,
  value: unknown,
): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

/** The Scale view of an object. */
export function scaleOf(r: ResourceType, stored: StoredObject): KubeObject {
  if (!r.scale) throw notFound(r, stored.name);
  const obj = parseStored(stored);
  const selector = readPath(obj, r.scale.labelSelector);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata!.name,
      namespace: obj.metadata!.namespace,
      uid: obj.metadata!.uid,
      resourceVersion: obj.metadata!.resourceVersion,
      creationTimestamp: obj.metadata!.creationTimestamp,
    },
    spec: { replicas: Number(readPath(obj, r.scale.specReplicas) ?? 0) },
    status: {
      replicas: Number(readPath(obj, r.scale.statusReplicas) ?? 0),
      selector:
        typeof selector === 'string'
          ? selector
          : labelSelectorToString(selector as LabelSelectorObject),
    },
  };
}

/** Writes a new replica count given a full Scale (PUT) or a patch of it (PATCH). */
export function updateScale(
  api: ClusterApi,
  r: ResourceType,
  namespace: string | undefined,
  name: string,
  change: { put?: KubeObject; patch?: { type: PatchType; body: unknown } },
  opts: WriteOptions,
): KubeObject {
  const current = api.get(r, namespace, name);
  const scale = scaleOf(r, current);
  let next: KubeObject;
  if (change.put) {
    next = change.put;
    const rv = next.metadata?.resourceVersion;
    if (rv && rv !== String(current.rv)) throw conflict(r, name);
  } else {
    const { type, body } = change.patch!;
    if (type === 'json') next = applyJsonPatch(scale, body) as KubeObject;
    else if (type === 'strategic')
      next = strategicMerge(scale, body) as KubeObject;
    else next = applyMergePatch(scale, body) as KubeObject;
  }
  const replicas = (next.spec as { replicas?: unknown } | undefined)?.replicas;
  if (
    typeof replicas !== 'number' ||
    replicas < 0 ||
    !Number.isInteger(replicas)
  ) {
    throw badRequest(
      `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(
        replicas,
      )}: must be greater than or equal to 0`,
    );
  }
  const updated = api.mutate(
    r,
    namespace,
    name,
    o =>
      writePath(o as Record<string, unknown>, r.scale!.specReplicas, replicas),
    { ...opts, internal: false },
  )!;
  return scaleOf(r, updated);
}
