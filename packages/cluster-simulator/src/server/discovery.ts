/*
 * Discovery documents: `/version`, `/api`, `/apis`, the per-group-version
 * resource lists clients map kinds and short names with, and OpenAPI. kubectl
 * 1.20 (Debian's) insists on protobuf-encoded OpenAPI v2 for validation and
 * newer kubectl reads OpenAPI v3 to learn that field validation happens on the
 * server, so both are served.
 */
import {
  RESOURCE_TYPES,
  ResourceType,
  apiVersionOf,
  servedGroupVersions,
  verbsOf,
} from '../api/resources';

/** Version info a simulated cluster reports. @public */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** `/version` for a Kubernetes version like `v1.31.4`. */
export function versionInfo(gitVersion: string): VersionInfo {
  const m = /^v(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: m?.[1] ?? '1',
    minor: m?.[2] ?? '31',
    gitVersion,
    gitCommit: 'a78aa47129b8539636eb86a9d00e31b2720fe06b',
    gitTreeState: 'clean',
    buildDate: '2024-12-10T11:37:39Z',
    goVersion: 'go1.22.9',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** `/api`. */
export function coreVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(groupName: string) {
  const versions = servedGroupVersions()
    .filter(gv => gv.group === groupName)
    .map(gv => ({
      groupVersion: `${groupName}/${gv.version}`,
      version: gv.version,
    }));
  return { name: groupName, versions, preferredVersion: versions[0] };
}

/** `/apis`. */
export function groupList(): unknown {
  const groups = Array.from(
    new Set(
      servedGroupVersions()
        .map(gv => gv.group)
        .filter(g => g !== ''),
    ),
  );
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map(groupEntry),
  };
}

/** `/apis/<group>`, or undefined for unknown groups. */
export function group(name: string): unknown | undefined {
  if (!servedGroupVersions().some(gv => gv.group === name)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(name) };
}

function subresourceEntries(r: ResourceType): unknown[] {
  const out: unknown[] = [];
  for (const sub of r.subresources) {
    const base = {
      name: `${r.plural}/${sub}`,
      singularName: '',
      namespaced: r.namespaced,
    };
    if (sub === 'status')
      out.push({ ...base, kind: r.kind, verbs: ['get', 'patch', 'update'] });
    if (sub === 'scale')
      out.push({
        ...base,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
    if (sub === 'proxy')
      out.push({
        ...base,
        kind: `${r.kind}ProxyOptions`,
        verbs: ['create', 'delete', 'get', 'patch', 'update'],
      });
    if (sub === 'log') out.push({ ...base, kind: r.kind, verbs: ['get'] });
    if (sub === 'binding')
      out.push({ ...base, kind: 'Binding', verbs: ['create'] });
    if (sub === 'token')
      out.push({
        ...base,
        group: 'authentication.k8s.io',
        version: 'v1',
        kind: 'TokenRequest',
        verbs: ['create'],
      });
  }
  return out;
}

/** `/api/v1` or `/apis/<group>/<version>`, or undefined when not served. */
export function resourceList(
  groupName: string,
  version: string,
): unknown | undefined {
  const types = RESOURCE_TYPES.filter(
    r => r.group === groupName && r.version === version,
  );
  if (types.length === 0) return undefined;
  const resources: unknown[] = [];
  for (const r of types) {
    const entry: Record<string, unknown> = {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: verbsOf(r),
    };
    if (r.shortNames.length) entry.shortNames = r.shortNames;
    if (r.categories.length) entry.categories = r.categories;
    resources.push(entry, ...subresourceEntries(r));
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupName ? `${groupName}/${version}` : version,
    resources,
  };
}

function resourcePaths(r: ResourceType): Record<string, unknown> {
  const prefix = r.group
    ? `/apis/${r.group}/${r.version}`
    : `/api/${r.version}`;
  const scope = r.namespaced ? '/namespaces/{namespace}' : '';
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const params = ['dryRun', 'fieldManager', 'fieldValidation'].map(name => ({
    name,
    in: 'query',
    schema: { type: 'string', uniqueItems: true },
  }));
  const op = (action: string, extra: unknown[] = []) => ({
    tags: [r.group || 'core'],
    operationId: `${action}${r.kind}`,
    parameters: [...params, ...extra],
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  if (r.readOnly) {
    return {
      [`${prefix}${scope}/${r.plural}`]: {
        get: { ...op('list'), parameters: [] },
      },
    };
  }
  return {
    [`${prefix}${scope}/${r.plural}`]: { post: op('post') },
    [`${prefix}${scope}/${r.plural}/{name}`]: {
      put: op('put'),
      patch: op('patch', [
        {
          name: 'force',
          in: 'query',
          schema: { type: 'boolean', uniqueItems: true },
        },
      ]),
    },
  };
}

/** OpenAPI v3 index (`/openapi/v3`). */
export function openApiV3Index(): unknown {
  const paths: Record<string, unknown> = {};
  for (const gv of servedGroupVersions()) {
    const key = gv.group
      ? `apis/${gv.group}/${gv.version}`
      : `api/${gv.version}`;
    paths[key] = {
      serverRelativeURL: `/openapi/v3/${key}?hash=${gv.group || 'core'}${
        gv.version
      }`,
    };
  }
  return { paths };
}

/** OpenAPI v3 document of one group/version, or undefined. */
export function openApiV3Document(
  groupName: string,
  version: string,
  gitVersion: string,
): unknown | undefined {
  const types = RESOURCE_TYPES.filter(
    r => r.group === groupName && r.version === version,
  );
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const r of types) Object.assign(paths, resourcePaths(r));
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: gitVersion },
    paths,
    components: { schemas: {} },
  };
}

/** OpenAPI v2 (`/openapi/v2`) as JSON. */
export function openApiV2Json(gitVersion: string): unknown {
  const paths: Record<string, unknown> = {};
  for (const r of RESOURCE_TYPES) Object.assign(paths, resourcePaths(r));
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: gitVersion },
    paths,
    definitions: {},
  };
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

function lengthDelimited(field: number, bytes: number[]): number[] {
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

function str(field: number, text: string): number[] {
  return lengthDelimited(field, Array.from(Buffer.from(text, 'utf8')));
}

/**
 * OpenAPI v2 as protobuf (gnostic `openapi.v2.Document`): swagger version,
 * info, and empty paths and definitions. kubectl skips validation of kinds
 * the document does not describe, so this is all it needs.
 */
export function openApiV2Protobuf(gitVersion: string): Buffer {
  const info = [...str(1, 'Kubernetes'), ...str(2, gitVersion)];
  const doc = [
    ...str(1, '2.0'),
    ...lengthDelimited(2, info),
    ...lengthDelimited(8, []),
    ...lengthDelimited(9, []),
  ];
  return Buffer.from(doc);
}

/** The apiVersion string clients see for a type; re-exported for handlers. */
export { apiVersionOf };
