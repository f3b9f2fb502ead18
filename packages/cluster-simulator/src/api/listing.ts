/*
 * List requests: namespace ranges, label and field selectors, `limit` and
 * `continue` pagination with the API server's token shape, and
 * `remainingItemCount`. Items are the stored JSON strings, so a list of
 * 10,000 pods is assembled without serializing anything.
 */
import { ClusterStore } from '../store/clusterStore';
import { StoredObject } from '../store/storedObject';
import { FieldSelector } from './fieldSelector';
import { LabelSelector } from './labelSelector';
import { ResourceType, apiVersionOf } from './resources';
import { ApiError, badRequest } from './status';

/** A parsed list query. @public */
export interface ListQuery {
  namespace: string;
  labelSelector: LabelSelector;
  fieldSelector: FieldSelector;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

/** The result of a list: matching stored objects and list metadata. @public */
export interface ListResult {
  items: StoredObject[];
  resourceVersion: number;
  continueToken?: string;
  remainingItemCount?: number;
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

function encodeContinue(rv: number, lastKey: string): string {
  // the API server's token: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"<key>\u0000"}
  const token: ContinueToken = {
    v: 'meta.k8s.io/v1',
    rv,
    start: `${lastKey}\u0000`,
  };
  return Buffer.from(JSON.stringify(token)).toString('base64');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const t = JSON.parse(
      Buffer.from(text, 'base64').toString('utf8'),
    ) as ContinueToken;
    if (
      t.v !== 'meta.k8s.io/v1' ||
      typeof t.rv !== 'number' ||
      typeof t.start !== 'string'
    ) {
      throw new Error('bad token');
    }
    return t;
  } catch {
    throw badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}

function startKey(token: ContinueToken): string {
  return token.start.endsWith('\u0000')
    ? token.start.slice(0, -1)
    : token.start;
}

/** Runs a list query against a store. Throws 410 for expired continue tokens. */
export function listObjects(
  store: ClusterStore,
  r: ResourceType,
  q: ListQuery,
): ListResult {
  const table = store.table(r);
  const range = table.range(q.namespace);
  let start = range.start;
  let listRv = store.currentRevision;
  if (q.resourceVersion && q.resourceVersionMatch === 'Exact') {
    const wanted = Number(q.resourceVersion);
    if (wanted < store.history.compactedRevision) {
      throw new ApiError(
        410,
        'Expired',
        `The resourceVersion for the provided list is too old.`,
      );
    }
  }
  if (q.continueToken) {
    const token = decodeContinue(q.continueToken);
    if (token.rv < store.history.compactedRevision) {
      const fresh = encodeContinue(store.currentRevision, startKey(token));
      throw new ApiError(
        410,
        'Expired',
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        { causes: [{ reason: 'ResourceExpired', message: fresh }] },
      );
    }
    // pages of one list report the revision of its first page
    listRv = token.rv;
    start = table.indexAfter(startKey(token), range);
  }
  const limit = q.limit && q.limit > 0 ? q.limit : Infinity;
  const filtered =
    q.labelSelector.requirements.length > 0 ||
    q.fieldSelector.requirements.length > 0;
  const items: StoredObject[] = [];
  let i = start;
  for (; i < range.end && items.length < limit; i++) {
    const obj = table.objectAt(i);
    if (
      filtered &&
      !(q.labelSelector.matches(obj.labels) && q.fieldSelector.matches(obj))
    ) {
      continue;
    }
    items.push(obj);
  }
  const result: ListResult = { items, resourceVersion: listRv };
  if (items.length >= limit && i < range.end) {
    // only report more when another match exists, as the API server does
    let more = false;
    for (let j = i; j < range.end; j++) {
      const obj = table.objectAt(j);
      if (
        !filtered ||
        (q.labelSelector.matches(obj.labels) && q.fieldSelector.matches(obj))
      ) {
        more = true;
        break;
      }
    }
    if (more) {
      result.continueToken = encodeContinue(
        listRv,
        items[items.length - 1].key,
      );
      if (!filtered) result.remainingItemCount = range.end - i;
    }
  }
  return result;
}

/** The opening of a `<Kind>List` document, up to the items array. */
export function listHead(r: ResourceType, result: ListResult): string {
  const meta: string[] = [`"resourceVersion":"${result.resourceVersion}"`];
  if (result.continueToken) meta.push(`"continue":"${result.continueToken}"`);
  if (result.remainingItemCount !== undefined) {
    meta.push(`"remainingItemCount":${result.remainingItemCount}`);
  }
  return `{"kind":"${r.listKind}","apiVersion":"${apiVersionOf(
    r,
  )}","metadata":{${meta.join(',')}},"items":[`;
}

/**
 * A list as JSON in chunks of items: a 10,000-pod list (45 MB) is streamed
 * without ever holding the whole document as one string.
 */
export function* listChunks(
  r: ResourceType,
  result: ListResult,
  itemsPerChunk = 256,
): Generator<string> {
  yield listHead(r, result);
  const items = result.items;
  for (let i = 0; i < items.length; i += itemsPerChunk) {
    const end = Math.min(items.length, i + itemsPerChunk);
    let chunk = i > 0 ? ',' : '';
    for (let j = i; j < end; j++)
      chunk += j > i ? `,${items[j].json}` : items[j].json;
    yield chunk;
  }
  yield ']}';
}

/** Serializes a list result as `<Kind>List` JSON. */
export function serializeList(r: ResourceType, result: ListResult): string {
  return Array.from(listChunks(r, result)).join('');
}
