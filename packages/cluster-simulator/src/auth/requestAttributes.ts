/*
 * What a request asks to do, computed from method, path and query the way
 * the API server's RequestInfoFactory does (k8s.io/apiserver
 * pkg/endpoints/request/requestinfo.go), before any routing: authorization
 * sees the same attributes for a served resource and an unknown one.
 */

/** The authorizer's view of a request. @public */
export interface RequestAttributes {
  /** false for discovery, version, health and other non-resource paths */
  resourceRequest: boolean;
  /** the URL path (without a simulator cluster prefix) */
  path: string;
  /** get, list, watch, create, update, patch, delete, deletecollection; lower-case HTTP method for non-resource paths */
  verb: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

// legacy path prefixes that name the verb (`/api/v1/watch/pods`)
const SPECIAL_VERBS = new Set(['proxy', 'watch']);
// after `/namespaces/<name>`, these are subresources of the namespace itself
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const METHOD_VERBS: Record<string, string> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// a name usable as one path segment; others are not taken from a field selector
function validSegment(name: string): boolean {
  return (
    name !== '' &&
    name !== '.' &&
    name !== '..' &&
    !name.includes('/') &&
    !name.includes('%')
  );
}

/** The `metadata.name` a field selector requires exactly, if any. */
export function exactNameOf(fieldSelector: string | null): string | undefined {
  if (!fieldSelector) return undefined;
  for (const term of fieldSelector.split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (m) return m[1];
  }
  return undefined;
}

/** Computes the request attributes of one HTTP request. */
export function requestAttributes(
  method: string,
  pathname: string,
  query: URLSearchParams,
): RequestAttributes {
  const attrs: RequestAttributes = {
    resourceRequest: false,
    path: pathname,
    verb: method.toLowerCase(),
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
  };
  let parts = pathname
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .map(decode);
  if (parts.length < 3) return attrs;
  const prefix = parts[0];
  if (prefix !== 'api' && prefix !== 'apis') return attrs;
  parts = parts.slice(1);
  if (prefix === 'apis') {
    // `/apis/<group>/<version>` is discovery; resources need one more segment
    if (parts.length < 3) return attrs;
    attrs.apiGroup = parts[0];
    parts = parts.slice(1);
  }
  attrs.resourceRequest = true;
  attrs.apiVersion = parts[0];
  parts = parts.slice(1);
  if (SPECIAL_VERBS.has(parts[0]) && parts.length > 1) {
    attrs.verb = parts[0];
    parts = parts.slice(1);
  } else {
    attrs.verb = METHOD_VERBS[method.toUpperCase()] ?? '';
  }
  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      attrs.namespace = parts[1];
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]))
        parts = parts.slice(2);
    }
  }
  // proxy paths carry the rest of the URL after the name, not a subresource
  if (parts.length >= 3 && attrs.verb !== 'proxy') attrs.subresource = parts[2];
  if (parts.length >= 2) attrs.name = parts[1];
  if (parts.length >= 1) attrs.resource = parts[0];

  if (!attrs.name && attrs.verb === 'get') {
    // like the API server's query decoding, any `watch` value but 0/false means watch
    const watch = query.get('watch');
    attrs.verb =
      watch !== null && watch !== '0' && watch.toLowerCase() !== 'false'
        ? 'watch'
        : 'list';
    // a list or watch of one name can be authorized by resourceNames
    const name = exactNameOf(query.get('fieldSelector'));
    if (name !== undefined && validSegment(name)) attrs.name = name;
  }
  if (!attrs.name && attrs.verb === 'delete') attrs.verb = 'deletecollection';
  return attrs;
}
