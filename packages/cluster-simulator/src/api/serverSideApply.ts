/*
 * Server-side apply and field ownership. An apply merges the applied
 * configuration into the live object, fails with 409 when it would change a
 * field another manager owns (unless forced, which transfers ownership), and
 * removes fields this manager applied before but no longer applies and nobody
 * else owns. Ordinary writes (update, patch) silently take ownership of the
 * fields they change, as on a real API server.
 */
import { ApiError } from './status';
import {
  FieldSet,
  describePath,
  fieldsOf,
  fromFieldsV1,
  isMembershipPath,
  removalOrder,
  removeAtPath,
  toFieldsV1,
  valueAtPath,
} from './fieldSet';
import { jsonEqual } from './listSemantics';
import { strategicMerge } from './patches';
import { KubeObject, ManagedFieldsEntry } from '../store/storedObject';

interface Owner {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
  /** the entry as read; reused when this owner's fields did not change */
  raw?: ManagedFieldsEntry;
}

function readOwners(obj: KubeObject | undefined): Owner[] {
  return (obj?.metadata?.managedFields ?? []).map(e => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    time: e.time,
    subresource: e.subresource,
    set: fromFieldsV1(e.fieldsV1),
    raw: e,
  }));
}

function removeFrom(o: Owner, path: string): void {
  if (o.set.delete(path)) o.raw = undefined;
}

function writeOwners(obj: KubeObject, owners: Owner[]): void {
  const entries: ManagedFieldsEntry[] = owners
    .filter(o => o.set.size > 0)
    .map(o => {
      // converting a set back to FieldsV1 is costly; unchanged owners keep their entry
      if (o.raw && o.raw.time === o.time) return o.raw;
      const e: ManagedFieldsEntry = {
        manager: o.manager,
        operation: o.operation,
        apiVersion: o.apiVersion,
        time: o.time,
        fieldsType: 'FieldsV1',
        fieldsV1: toFieldsV1(o.set),
      };
      if (o.subresource) e.subresource = o.subresource;
      return e;
    });
  if (entries.length > 0) obj.metadata!.managedFields = entries;
  else delete obj.metadata!.managedFields;
}

function sameOwner(
  o: Owner,
  manager: string,
  operation: string,
  subresource?: string,
): boolean {
  return (
    o.manager === manager &&
    o.operation === operation &&
    (o.subresource ?? '') === (subresource ?? '')
  );
}

/** What an apply request carries. @public */
export interface ApplyRequest {
  /** current object, undefined when the apply creates it */
  live: KubeObject | undefined;
  /** the applied configuration (already parsed from YAML/JSON) */
  applied: KubeObject;
  manager: string;
  force: boolean;
  subresource?: 'status';
  builtIn: boolean;
  apiVersion: string;
  now: string;
}

/**
 * Computes the object resulting from an apply. Throws a 409 `ApiError` listing
 * every conflicting field when `force` is false.
 */
export function serverSideApply(req: ApplyRequest): KubeObject {
  const scope = req.subresource === 'status' ? 'status' : 'main';
  const owners = readOwners(req.live);
  const applied = fieldsOf(req.applied, scope, req.builtIn);
  const mine = owners.find(o =>
    sameOwner(o, req.manager, 'Apply', req.subresource),
  );
  const previous = mine?.set ?? new Set<string>();

  const conflicts: Array<{ owner: Owner; path: string }> = [];
  if (req.live) {
    for (const path of applied) {
      if (isMembershipPath(path)) continue;
      const liveValue = valueAtPath(req.live, path);
      if (liveValue === undefined) continue;
      if (jsonEqual(liveValue, valueAtPath(req.applied, path))) continue;
      for (const o of owners) {
        if (o === mine || !o.set.has(path)) continue;
        conflicts.push({ owner: o, path });
      }
    }
  }
  if (conflicts.length > 0 && !req.force) throw conflictError(conflicts);
  for (const { owner, path } of conflicts) removeFrom(owner, path);

  const base: KubeObject = req.live
    ? (JSON.parse(JSON.stringify(req.live)) as KubeObject)
    : { metadata: {} };
  const result = strategicMerge(base, req.applied, req.builtIn) as KubeObject;
  // fields this manager stopped applying are removed unless someone else owns them
  const stillOwned = new Set<string>();
  for (const o of owners)
    if (o !== mine) for (const p of o.set) stillOwned.add(p);
  const released = Array.from(previous).filter(
    p => !applied.has(p) && !stillOwned.has(p),
  );
  for (const path of removalOrder(released)) {
    const emptied = removeAtPath(result, path);
    // a list this manager emptied goes too, unless someone else owns it
    if (emptied && !stillOwned.has(emptied) && !applied.has(emptied))
      removeAtPath(result, emptied);
  }

  const others = owners.filter(o => o !== mine);
  others.push({
    manager: req.manager,
    operation: 'Apply',
    apiVersion: req.apiVersion,
    time: req.now,
    subresource: req.subresource,
    set: applied,
  });
  result.metadata = result.metadata ?? {};
  writeOwners(result, others);
  return result;
}

function conflictError(
  conflicts: Array<{ owner: Owner; path: string }>,
): ApiError {
  const byOwner = new Map<string, string[]>();
  for (const c of conflicts) {
    const label = `"${c.owner.manager}" using ${c.owner.apiVersion}`;
    const list = byOwner.get(label) ?? [];
    list.push(describePath(c.path));
    byOwner.set(label, list);
  }
  const n = conflicts.length;
  let message: string;
  if (n === 1) {
    const [[label, paths]] = Array.from(byOwner.entries());
    message = `Apply failed with 1 conflict: conflict with ${label}: ${paths[0]}`;
  } else {
    const parts = Array.from(byOwner.entries()).map(
      ([label, paths]) =>
        `conflicts with ${label}:\n${paths.map(p => `- ${p}`).join('\n')}`,
    );
    message = `Apply failed with ${n} conflicts: ${parts.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, {
    causes: conflicts.map(c => ({
      type: 'FieldManagerConflict',
      message: `conflict with "${c.owner.manager}" using ${c.owner.apiVersion}`,
      field: describePath(c.path),
    })),
  });
}

/** What an ordinary write (create, update, patch) needs for ownership tracking. @public */
export interface UpdateTracking {
  previous: KubeObject | undefined;
  next: KubeObject;
  manager: string;
  subresource?: 'status';
  builtIn: boolean;
  apiVersion: string;
  now: string;
}

/**
 * Records the fields an ordinary write changed as owned by its manager
 * (operation Update), taking them from other managers, and forgets fields
 * the write removed. Mutates `next.metadata.managedFields`.
 */
export function trackUpdate(t: UpdateTracking): void {
  const scope = t.subresource === 'status' ? 'status' : 'main';
  const after = fieldsOf(t.next, scope, t.builtIn);
  const before = t.previous
    ? fieldsOf(t.previous, scope, t.builtIn)
    : new Set<string>();
  const changed = new Set<string>();
  for (const p of after) {
    if (
      !before.has(p) ||
      !jsonEqual(valueAtPath(t.previous, p), valueAtPath(t.next, p))
    )
      changed.add(p);
  }
  const removed = Array.from(before).filter(p => !after.has(p));
  if (changed.size === 0 && removed.length === 0) {
    // nothing changed: ownership stays exactly as it was
    const kept = t.previous?.metadata?.managedFields;
    if (kept) t.next.metadata!.managedFields = kept;
    else delete t.next.metadata!.managedFields;
    return;
  }
  const owners = readOwners(t.previous);
  for (const o of owners) {
    for (const p of changed) removeFrom(o, p);
    for (const p of removed) removeFrom(o, p);
  }
  let mine = owners.find(o => sameOwner(o, t.manager, 'Update', t.subresource));
  if (!mine) {
    mine = {
      manager: t.manager,
      operation: 'Update',
      apiVersion: t.apiVersion,
      subresource: t.subresource,
      set: new Set(),
    };
    owners.push(mine);
  }
  mine.time = t.now;
  mine.raw = undefined;
  for (const p of changed) mine.set.add(p);
  writeOwners(t.next, owners);
}
