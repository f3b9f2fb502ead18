/*
 * The verbs on resource paths: list, watch, get, create, update, patch,
 * delete, deletecollection, and the status, scale, log and proxy
 * subresources.
 */
import { IncomingMessage, ServerResponse } from 'http';
import { PatchType, patchTypeOf } from '../api/clusterApi';
import { DeleteOptions, deleteObject, deletedStatus } from '../api/deletion';
import { parseFieldSelector } from '../api/fieldSelector';
import { parseLabelSelector } from '../api/labelSelector';
import { ListQuery, listChunks, serializeList } from '../api/listing';
import { ResourceType, apiVersionOf } from '../api/resources';
import { scaleOf, updateScale } from '../api/scale';
import {
  ApiError,
  badRequest,
  methodNotAllowed,
  notFound,
} from '../api/status';
import { KubeObject, StoredObject, parseStored } from '../store/storedObject';
import {
  Negotiated,
  parseBody,
  readBody,
  sendJson,
  sendJsonText,
  streamJson,
} from './httpUtil';
import { ServedCluster } from './servedCluster';
import { IncludeObject, buildTable } from './tables';
import { tableCells, tableColumns } from './printers';

/** A resource request after routing and authentication. @public */
export interface ResourceRequest {
  resource: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  subpath?: string;
  legacyWatch: boolean;
  query: URLSearchParams;
  negotiated: Negotiated;
  manager: string;
  /** throws 403 unless the requester may also create the object (a PATCH that creates it) */
  authorizeCreate?: () => void;
}

/** a warning as the API server's header value: code 299, agent "-", the text quoted */
function warningHeader(text: string): string {
  return `299 - "${text.replace(/[\\"]/g, c => `\\${c}`)}"`;
}

function boolParam(q: URLSearchParams, key: string): boolean {
  const v = q.get(key);
  return v === 'true' || v === '1';
}

function listQuery(req: ResourceRequest): ListQuery {
  const q = req.query;
  let fieldSelectorText = q.get('fieldSelector') ?? '';
  if (req.legacyWatch && req.name) {
    fieldSelectorText = [fieldSelectorText, `metadata.name=${req.name}`]
      .filter(Boolean)
      .join(',');
  }
  const limit = q.get('limit');
  return {
    namespace: req.namespace ?? '',
    labelSelector: parseLabelSelector(q.get('labelSelector')),
    fieldSelector: parseFieldSelector(fieldSelectorText, req.resource),
    limit: limit ? Number(limit) : undefined,
    continueToken: q.get('continue') || undefined,
    resourceVersion: q.get('resourceVersion') || undefined,
    resourceVersionMatch: q.get('resourceVersionMatch') || undefined,
  };
}

function sendStored(
  cluster: ServedCluster,
  res: ServerResponse,
  req: ResourceRequest,
  status: number,
  s: StoredObject,
): void {
  if (req.negotiated.table) {
    const body = buildTable(
      req.resource,
      [s],
      { resourceVersion: s.rv },
      {
        include:
          (req.query.get('includeObject') as IncludeObject) || 'Metadata',
        tableVersion: req.negotiated.tableVersion,
        now: cluster.now(),
      },
    );
    sendJsonText(res, status, body);
    return;
  }
  sendJsonText(res, status, s.json, req.negotiated.yaml);
}

function handleVirtualMetrics(
  cluster: ServedCluster,
  req: ResourceRequest,
  res: ServerResponse,
): void {
  const selector = parseLabelSelector(req.query.get('labelSelector'));
  const items =
    req.resource.kind === 'PodMetrics'
      ? cluster.podMetrics(req.namespace ?? '', selector)
      : cluster.nodeMetrics(selector);
  if (req.name) {
    const item = items.find(i => i.metadata?.name === req.name);
    if (!item) throw notFound(req.resource, req.name);
    sendJson(res, 200, item);
    return;
  }
  sendJson(res, 200, {
    kind: req.resource.listKind,
    apiVersion: apiVersionOf(req.resource),
    metadata: {},
    items,
  });
}

function startWatch(
  cluster: ServedCluster,
  req: ResourceRequest,
  httpReq: IncomingMessage,
  res: ServerResponse,
): void {
  const q = req.query;
  const lq = listQuery(req);
  const rvText = q.get('resourceVersion') ?? '';
  const sendInitial = boolParam(q, 'sendInitialEvents');
  const fromRv =
    rvText === '' || rvText === '0' || sendInitial ? undefined : Number(rvText);
  if (fromRv !== undefined && !Number.isFinite(fromRv))
    throw badRequest(`invalid resource version: ${rvText}`);
  const timeoutSeconds = Number(q.get('timeoutSeconds') ?? '');
  // without a timeout the API server picks one between 30 and 60 minutes
  const timeoutMs =
    timeoutSeconds > 0
      ? timeoutSeconds * 1000
      : (1800 + Math.random() * 1800) * 1000;
  const include = (q.get('includeObject') as IncludeObject) || 'Metadata';
  let first = true;
  const render = req.negotiated.table
    ? (_type: string, s: StoredObject) => {
        const obj = parseStored(s);
        const row: Record<string, unknown> = {
          cells: tableCells(obj, cluster.now()),
        };
        if (include !== 'None') {
          const { managedFields, ...metadata } = obj.metadata ?? {};
          void managedFields;
          row.object =
            include === 'Object'
              ? obj
              : {
                  kind: 'PartialObjectMetadata',
                  apiVersion: `meta.k8s.io/${req.negotiated.tableVersion}`,
                  metadata,
                };
        }
        const table: Record<string, unknown> = {
          kind: 'Table',
          apiVersion: `meta.k8s.io/${req.negotiated.tableVersion}`,
          metadata: { resourceVersion: String(s.rv) },
        };
        // like the API server, column definitions go with the first event only
        table.columnDefinitions = first ? tableColumns(req.resource.kind) : [];
        first = false;
        table.rows = [row];
        return JSON.stringify(table);
      }
    : undefined;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();
  const socket = httpReq.socket;
  socket.setNoDelay(true);
  const sink = {
    write(line: string | Buffer) {
      res.write(line);
      return res.writableLength;
    },
    end(abort?: boolean) {
      if (abort) socket.destroy();
      else res.end();
    },
  };
  const detach = cluster.watches.open(
    {
      resource: req.resource,
      namespace: lq.namespace,
      labelSelector: lq.labelSelector,
      fieldSelector: lq.fieldSelector,
      allowBookmarks: boolParam(q, 'allowWatchBookmarks'),
      render,
    },
    sink,
    fromRv,
    {
      timeoutMs,
      sendInitialEventsEndBookmark:
        sendInitial && boolParam(q, 'allowWatchBookmarks'),
    },
  );
  if (detach) res.on('close', detach);
}

/** `serviceaccounts/<name>/token`: a TokenRequest answered with a bound token (`kubectl create token`). */
function tokenRequest(
  cluster: ServedCluster,
  namespace: string,
  name: string,
  body: unknown,
): KubeObject {
  const spec = ((body as Record<string, any>)?.spec ?? {}) as {
    audiences?: string[];
    expirationSeconds?: number;
  };
  const expirationSeconds = spec.expirationSeconds ?? 3600;
  if (!Number.isInteger(expirationSeconds) || expirationSeconds < 600) {
    throw new ApiError(
      422,
      'Invalid',
      `TokenRequest.authentication.k8s.io "${name}" is invalid: spec.expirationSeconds: Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes`,
      { name, group: 'authentication.k8s.io', kind: 'TokenRequest' },
    );
  }
  const issued = cluster.auth.issueToken(namespace, name, {
    expirationSeconds,
    audiences: spec.audiences,
  });
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: {
      name,
      namespace,
      creationTimestamp: null,
    },
    spec: {
      audiences: spec.audiences?.length
        ? spec.audiences
        : ['https://kubernetes.default.svc.cluster.local'],
      expirationSeconds,
      boundObjectRef: null,
    },
    status: issued,
  } as unknown as KubeObject;
}

function deleteOptions(req: ResourceRequest, body: unknown): DeleteOptions {
  const b = (body ?? {}) as Record<string, any>;
  const q = req.query;
  const grace = q.get('gracePeriodSeconds') ?? b.gracePeriodSeconds;
  return {
    propagationPolicy:
      (q.get('propagationPolicy') ??
        b.propagationPolicy ??
        (b.orphanDependents ? 'Orphan' : undefined)) ||
      undefined,
    gracePeriodSeconds:
      grace === undefined || grace === null ? undefined : Number(grace),
    preconditions: b.preconditions,
    dryRun:
      q.getAll('dryRun').includes('All') || (b.dryRun ?? []).includes('All'),
  };
}

/** Handles one request on a resource path. */
export async function handleResource(
  cluster: ServedCluster,
  req: ResourceRequest,
  httpReq: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = httpReq.method ?? 'GET';
  const { resource: r, namespace, name, subresource } = req;
  const api = cluster.api;
  if (
    subresource &&
    !r.subresources.includes(subresource as never) &&
    !(r.kind === 'Namespace' && subresource === 'finalize')
  ) {
    throw notFound(r, name ?? '');
  }
  if (
    subresource === 'proxy' &&
    r.kind === 'Service' &&
    cluster.proxyToService
  ) {
    // services/proxy forwards to a ready endpoint of the Service (503 without one)
    const [svcName, svcPort] = (name ?? '').split(':');
    const service = parseStored(api.get(r, namespace, svcName));
    const answer = cluster.proxyToService(
      service,
      svcPort,
      req.subpath ?? '/',
      req.query,
      {
        method,
        body: method === 'GET' ? '' : (await readBody(httpReq)).toString(),
      },
    );
    res.writeHead(answer.status, {
      'Content-Type': answer.contentType,
      'Content-Length': Buffer.byteLength(answer.body),
    });
    res.end(answer.body);
    return;
  }
  if (subresource === 'proxy') {
    const podName = (name ?? '').split(':');
    const pod = parseStored(
      api.get(r, namespace, podName.length === 3 ? podName[1] : podName[0]),
    );
    const port = podName.length === 3 ? podName[2] : podName[1];
    const answer = cluster.proxyToPod(pod, port, req.subpath ?? '/', req.query);
    res.writeHead(answer.status, {
      'Content-Type': answer.contentType,
      'Content-Length': Buffer.byteLength(answer.body),
    });
    res.end(answer.body);
    return;
  }
  if (r.readOnly) {
    if (method !== 'GET') throw methodNotAllowed();
    handleVirtualMetrics(cluster, req, res);
    return;
  }
  const dryRun = req.query.getAll('dryRun').includes('All');
  // admission warnings become `Warning: 299 - "..."` headers, as the API server sends them
  const warnings: string[] = [];
  const sendWarnings = () => {
    if (warnings.length > 0 && !res.headersSent)
      res.setHeader('Warning', warnings.map(warningHeader));
  };
  const opts = { manager: req.manager, dryRun, warnings };
  if (method === 'GET') {
    if (!name || (req.legacyWatch && !subresource)) {
      if (boolParam(req.query, 'watch') || req.legacyWatch) {
        startWatch(cluster, req, httpReq, res);
        return;
      }
      const result = api.list(r, listQuery(req));
      if (req.negotiated.table) {
        sendJsonText(
          res,
          200,
          buildTable(r, result.items, result, {
            include:
              (req.query.get('includeObject') as IncludeObject) || 'Metadata',
            tableVersion: req.negotiated.tableVersion,
            now: cluster.now(),
          }),
        );
      } else if (req.negotiated.yaml) {
        sendJsonText(res, 200, serializeList(r, result), true);
      } else {
        await streamJson(res, 200, listChunks(r, result));
      }
      return;
    }
    const stored = api.get(r, namespace, name);
    if (subresource === 'scale')
      sendJson(res, 200, scaleOf(r, stored), req.negotiated.yaml);
    else if (subresource === 'log') {
      const text = cluster.podLogs(
        parseStored(stored),
        req.query.get('container') ?? undefined,
        boolParam(req.query, 'previous'),
      );
      res.writeHead(200, {
        'Content-Type': 'text/plain',
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
    } else sendStored(cluster, res, req, 200, stored);
    return;
  }
  const raw = await readBody(httpReq);
  const contentType = httpReq.headers['content-type'] ?? 'application/json';
  if (method === 'DELETE') {
    const body = parseBody(raw, contentType);
    const dopts = deleteOptions(req, body);
    if (!name) {
      const result = api.list(r, {
        ...listQuery(req),
        limit: undefined,
        continueToken: undefined,
      });
      for (const item of result.items) {
        deleteObject(
          api,
          r,
          item.namespace || undefined,
          item.name,
          dopts,
          cluster.dependents,
        );
      }
      sendJsonText(
        res,
        200,
        serializeList(r, {
          ...result,
          resourceVersion: cluster.store.currentRevision,
        }),
      );
      return;
    }
    const outcome = deleteObject(
      api,
      r,
      namespace,
      name,
      dopts,
      cluster.dependents,
    );
    if (outcome.removed) sendJson(res, 200, deletedStatus(r, outcome.object));
    else sendStored(cluster, res, req, 200, outcome.object);
    return;
  }
  if (method === 'POST') {
    if (name && subresource === 'token') {
      sendJson(
        res,
        201,
        tokenRequest(
          cluster,
          namespace ?? '',
          name,
          parseBody(raw, contentType),
        ),
      );
      return;
    }
    if (name && subresource === 'binding') {
      const binding = parseBody(raw, contentType) as KubeObject;
      const target = (binding as Record<string, any>)?.target?.name;
      const bound = api.mutate(
        r,
        namespace,
        name,
        o => {
          (o.spec as Record<string, unknown>).nodeName = target;
        },
        { manager: req.manager },
      );
      sendJson(res, 201, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        code: 201,
        details: { name: bound?.name },
      });
      return;
    }
    if (name) throw methodNotAllowed();
    const body = parseBody(raw, contentType) as KubeObject;
    const created = api.create(r, namespace, body, opts);
    sendWarnings();
    sendStored(cluster, res, req, 201, created);
    return;
  }
  if (!name) throw methodNotAllowed();
  if (method === 'PUT') {
    const body = parseBody(raw, contentType) as KubeObject;
    if (subresource === 'scale') {
      sendJson(
        res,
        200,
        updateScale(api, r, namespace, name, { put: body }, opts),
      );
      return;
    }
    const updated = api.update(r, namespace, name, body, {
      ...opts,
      subresource: subresource === 'status' ? 'status' : undefined,
    });
    sendWarnings();
    sendStored(cluster, res, req, 200, updated);
    return;
  }
  if (method === 'PATCH') {
    const type: PatchType = patchTypeOf(contentType);
    const body = parseBody(
      raw,
      type === 'apply' ? 'application/yaml' : contentType,
    );
    if (subresource === 'scale') {
      sendJson(
        res,
        200,
        updateScale(api, r, namespace, name, { patch: { type, body } }, opts),
      );
      return;
    }
    const existed = !!cluster.store.get(r, namespace, name);
    if (!existed && type === 'apply') req.authorizeCreate?.();
    const patched = api.patch(r, namespace, name, type, body, {
      ...opts,
      manager:
        req.query.get('fieldManager') ??
        (type === 'apply' ? undefined : req.manager),
      force: boolParam(req.query, 'force'),
      subresource: subresource === 'status' ? 'status' : undefined,
    });
    sendWarnings();
    sendStored(cluster, res, req, existed ? 200 : 201, patched);
    return;
  }
  throw new ApiError(
    405,
    'MethodNotAllowed',
    `the server does not allow this method on the requested resource`,
  );
}
