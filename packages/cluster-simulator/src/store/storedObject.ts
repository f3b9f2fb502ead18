/*
 * How one object version is held in memory. The serialized JSON is the
 * canonical form: lists and watch events are assembled from it by string
 * concatenation, so every version is serialized exactly once, and callers that
 * need to change an object get a fresh parsed copy and can never corrupt the
 * stored state by aliasing.
 */
import { ResourceType } from '../api/resources';
import { FieldValues } from '../api/fieldSelector';

/** One stored object version. @public */
export interface StoredObject {
  readonly resource: ResourceType;
  /** `namespace/name` for namespaced types, `name` otherwise */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly rv: number;
  /** interned: objects with equal labels share one frozen record */
  readonly labels: Readonly<Record<string, string>>;
  /** selectable field values beyond name and namespace */
  readonly fields?: FieldValues;
  /** the object as the API serves it */
  readonly json: string;
}

/** A loosely typed Kubernetes object as parsed from JSON. @public */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [key: string]: unknown;
}

/** The metadata fields the simulator reads and writes. @public */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

/** `metadata.ownerReferences[]`. @public */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** `metadata.managedFields[]`. @public */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** Parses a stored version into a fresh, freely mutable object. */
export function parseStored(s: StoredObject): KubeObject {
  return JSON.parse(s.json) as KubeObject;
}

const internTable = new Map<string, Readonly<Record<string, string>>>();
const EMPTY_LABELS: Readonly<Record<string, string>> = Object.freeze({});
const MAX_INTERNED = 200_000;

/**
 * Returns a shared frozen copy of a label map. Pods of one ReplicaSet carry
 * identical labels, so at 10,000 pods per cluster this saves most label memory.
 */
export function internLabels(
  labels: Record<string, string> | undefined,
): Readonly<Record<string, string>> {
  if (!labels) return EMPTY_LABELS;
  const keys = Object.keys(labels);
  if (keys.length === 0) return EMPTY_LABELS;
  keys.sort();
  let id = '';
  for (const k of keys) id += `${k}\u0000${labels[k]}\u0001`;
  const hit = internTable.get(id);
  if (hit) return hit;
  const copy: Record<string, string> = {};
  for (const k of keys) copy[k] = labels[k];
  const frozen = Object.freeze(copy);
  if (internTable.size < MAX_INTERNED) internTable.set(id, frozen);
  return frozen;
}

/** Serializes with `kind` and `apiVersion` first, as the API server does. */
export function serializeObject(obj: KubeObject): string {
  const ordered: Record<string, unknown> = {
    kind: obj.kind,
    apiVersion: obj.apiVersion,
  };
  for (const k of Object.keys(obj)) {
    if (k !== 'kind' && k !== 'apiVersion') ordered[k] = obj[k];
  }
  return JSON.stringify(ordered);
}

/** The store key of an object. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}
