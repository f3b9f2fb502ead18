/*
 * Builds `meta.k8s.io` Table responses (lists, single objects and watch
 * events) from stored objects.
 */
import { ResourceType } from '../api/resources';
import { StoredObject, parseStored } from '../store/storedObject';
import { tableCells, tableColumns } from './printers';

/** How much of each object a Table row carries (`includeObject`). @public */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

function rowObject(
  obj: ReturnType<typeof parseStored>,
  include: IncludeObject,
  tableVersion: string,
): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  const { managedFields, ...metadata } = obj.metadata ?? {};
  void managedFields;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: `meta.k8s.io/${tableVersion}`,
    metadata,
  };
}

/** A Table of stored objects. */
export function buildTable(
  r: ResourceType,
  items: StoredObject[],
  meta: {
    resourceVersion: number;
    continueToken?: string;
    remainingItemCount?: number;
  },
  options: {
    include: IncludeObject;
    tableVersion: string;
    now: number;
    withColumns?: boolean;
  },
): string {
  const rows = items.map(s => {
    const obj = parseStored(s);
    const row: Record<string, unknown> = {
      cells: tableCells(obj, options.now),
    };
    const ro = rowObject(obj, options.include, options.tableVersion);
    if (ro !== undefined) row.object = ro;
    return row;
  });
  const metadata: Record<string, unknown> = {
    resourceVersion: String(meta.resourceVersion),
  };
  if (meta.continueToken) metadata.continue = meta.continueToken;
  if (meta.remainingItemCount !== undefined)
    metadata.remainingItemCount = meta.remainingItemCount;
  const table: Record<string, unknown> = {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.tableVersion}`,
    metadata,
  };
  if (options.withColumns !== false)
    table.columnDefinitions = tableColumns(r.kind);
  table.rows = rows;
  return JSON.stringify(table);
}
