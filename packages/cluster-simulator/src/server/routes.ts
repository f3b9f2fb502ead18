/*
 * URL routing of the Kubernetes API: discovery paths, resource collections
 * (cluster-wide and per namespace), objects, subresources, and proxy paths.
 */
import { ResourceType, resourceByPath } from '../api/resources';

/** A parsed request path. @public */
export type Route =
  | { type: 'root' }
  | { type: 'version' }
  | { type: 'health'; which: string }
  | { type: 'coreVersions' }
  | { type: 'groupList' }
  | { type: 'group'; group: string }
  | { type: 'resourceList'; group: string; version: string }
  | { type: 'openapiV2' }
  | { type: 'openapiV3Index' }
  | { type: 'openapiV3'; group: string; version: string }
  | {
      type: 'resource';
      resource: ResourceType;
      namespace?: string;
      name?: string;
      subresource?: string;
      /** the rest of a proxy path, starting with '/' */
      subpath?: string;
      /** legacy `/watch/` path form */
      legacyWatch: boolean;
    }
  | { type: 'unknownResource' }
  | { type: 'notFound' };

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parses a path (without the cluster prefix) into a route. */
export function parseRoute(pathname: string): Route {
  const trimmed = pathname.replace(/\/+$/, '');
  const parts = trimmed.split('/').slice(1).map(decode);
  if (trimmed === '') return { type: 'root' };
  const [p0, p1, p2, p3, p4] = parts;
  if (p0 === 'version' && parts.length === 1) return { type: 'version' };
  if (
    (p0 === 'healthz' || p0 === 'livez' || p0 === 'readyz') &&
    parts.length <= 2
  ) {
    return { type: 'health', which: p0 };
  }
  if (p0 === 'openapi') {
    if (p1 === 'v2' && parts.length === 2) return { type: 'openapiV2' };
    if (p1 === 'v3' && parts.length === 2) return { type: 'openapiV3Index' };
    if (p1 === 'v3' && p2 === 'api' && parts.length === 4)
      return { type: 'openapiV3', group: '', version: p3 };
    if (p1 === 'v3' && p2 === 'apis' && parts.length === 5)
      return { type: 'openapiV3', group: p3, version: p4 };
    return { type: 'notFound' };
  }
  if (p0 === 'api') {
    if (parts.length === 1) return { type: 'coreVersions' };
    if (parts.length === 2)
      return { type: 'resourceList', group: '', version: p1 };
    return resourceRoute('', p1, parts.slice(2));
  }
  if (p0 === 'apis') {
    if (parts.length === 1) return { type: 'groupList' };
    if (parts.length === 2) return { type: 'group', group: p1 };
    if (parts.length === 3)
      return { type: 'resourceList', group: p1, version: p2 };
    return resourceRoute(p1, p2, parts.slice(3));
  }
  return { type: 'notFound' };
}

function resourceRoute(group: string, version: string, rest: string[]): Route {
  let legacyWatch = false;
  let segs = rest;
  if (segs[0] === 'watch') {
    legacyWatch = true;
    segs = segs.slice(1);
  }
  if (segs[0] === 'namespaces' && segs.length >= 3) {
    const candidate = resourceByPath(group, version, segs[2]);
    if (candidate && candidate.namespaced) {
      return {
        type: 'resource',
        resource: candidate,
        namespace: segs[1],
        name: segs[3],
        subresource: segs[4],
        subpath: segs.length > 5 ? `/${segs.slice(5).join('/')}` : undefined,
        legacyWatch,
      };
    }
    if (
      !(segs.length === 3 && (segs[2] === 'status' || segs[2] === 'finalize'))
    ) {
      return { type: 'unknownResource' };
    }
  }
  const resource = resourceByPath(group, version, segs[0]);
  if (!resource) return { type: 'unknownResource' };
  return {
    type: 'resource',
    resource,
    name: segs[1],
    subresource: segs[2],
    subpath: segs.length > 3 ? `/${segs.slice(3).join('/')}` : undefined,
    legacyWatch,
  };
}
