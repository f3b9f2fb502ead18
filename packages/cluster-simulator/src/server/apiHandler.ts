/*
 * The front door of one simulated API server: injected faults, bearer-token
 * authentication, RBAC authorization (before routing, like the API server's
 * filter chain), discovery, and dispatch of resource requests.
 */
import { IncomingMessage, ServerResponse } from 'http';
import {
  ApiError,
  resourceNotFound,
  statusBody,
  unauthorized,
} from '../api/status';
import { forbiddenError, requestForbidden } from '../auth/rbacAuthorizer';
import { requestAttributes } from '../auth/requestAttributes';
import * as discovery from './discovery';
import { negotiate, sendError, sendJson } from './httpUtil';
import { handleResource } from './resourceHandler';
import { parseRoute } from './routes';
import { ServedCluster } from './servedCluster';

function fieldManagerFrom(
  req: IncomingMessage,
  query: URLSearchParams,
): string {
  const explicit = query.get('fieldManager');
  if (explicit) return explicit;
  // the API server names unnamed managers after the client's user agent
  const ua = String(req.headers['user-agent'] ?? 'unknown');
  return ua.split('/')[0].trim() || 'unknown';
}

/** Serves one request to a simulated cluster. `pathname` has the cluster prefix removed. */
export async function handleApiRequest(
  cluster: ServedCluster,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  query: URLSearchParams,
  serverAddress: string,
): Promise<void> {
  if (cluster.requestCounts) {
    const watch = query.get('watch');
    if (watch === 'true' || watch === '1' || pathname.includes('/watch/'))
      cluster.requestCounts.watch += 1;
    else if (/\/proxy(\/|$)/.test(pathname)) cluster.requestCounts.proxy += 1;
    else if (/^\/(version|healthz|livez|readyz)\/?$/.test(pathname))
      cluster.requestCounts.probe += 1;
    else cluster.requestCounts.other += 1;
  }
  const faults = cluster.faults;
  if (faults.blackhole) return; // accepted, never answered
  const delay = faults.delay(Math.random);
  if (delay > 0) await new Promise(resolve => setTimeout(resolve, delay));
  const failure = faults.takeFailure();
  if (failure) {
    const err =
      failure.status === 429
        ? new ApiError(
            429,
            'TooManyRequests',
            'Too many requests, please try again later.',
            { retryAfterSeconds: failure.retryAfterSeconds },
            { 'Retry-After': String(failure.retryAfterSeconds) },
          )
        : new ApiError(
            failure.status,
            failure.status === 503 ? 'ServiceUnavailable' : 'InternalError',
            failure.status === 503
              ? 'the server is currently unable to handle the request'
              : 'Internal error occurred: injected fault',
          );
    sendError(res, err);
    return;
  }
  try {
    const route = parseRoute(pathname);
    const user = cluster.auth.authenticate(req.headers.authorization, pathname);
    if (!user) throw unauthorized();
    const attrs = requestAttributes(req.method ?? 'GET', pathname, query);
    const decision = cluster.auth.authorize(user, attrs);
    if (!decision.allowed) throw requestForbidden(user, attrs, decision.reason);
    // OpenAPI v2 is also served as protobuf, so it negotiates on its own
    const negotiated =
      route.type === 'openapiV2'
        ? { table: false, tableVersion: 'v1' as const, yaml: false }
        : negotiate(req.headers.accept);
    switch (route.type) {
      case 'version':
        sendJson(res, 200, discovery.versionInfo(cluster.kubernetesVersion));
        return;
      case 'health':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return;
      case 'root':
        sendJson(res, 200, {
          paths: [
            '/api',
            '/api/v1',
            '/apis',
            '/healthz',
            '/livez',
            '/openapi/v2',
            '/openapi/v3',
            '/readyz',
            '/version',
          ],
        });
        return;
      case 'coreVersions':
        sendJson(res, 200, discovery.coreVersions(serverAddress));
        return;
      case 'groupList':
        sendJson(res, 200, discovery.groupList());
        return;
      case 'group': {
        const g = discovery.group(route.group);
        if (!g) throw resourceNotFound();
        sendJson(res, 200, g);
        return;
      }
      case 'resourceList': {
        const list = discovery.resourceList(route.group, route.version);
        if (!list) throw resourceNotFound();
        sendJson(res, 200, list);
        return;
      }
      case 'openapiV2':
        if (/protobuf/.test(String(req.headers.accept ?? ''))) {
          const body = discovery.openApiV2Protobuf(cluster.kubernetesVersion);
          res.writeHead(200, {
            'Content-Type':
              'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
            'Content-Length': body.length,
          });
          res.end(body);
        } else {
          sendJson(
            res,
            200,
            discovery.openApiV2Json(cluster.kubernetesVersion),
          );
        }
        return;
      case 'openapiV3Index':
        sendJson(res, 200, discovery.openApiV3Index());
        return;
      case 'openapiV3': {
        const doc = discovery.openApiV3Document(
          route.group,
          route.version,
          cluster.kubernetesVersion,
        );
        if (!doc) throw resourceNotFound();
        sendJson(res, 200, doc);
        return;
      }
      case 'resource': {
        await handleResource(
          cluster,
          {
            ...route,
            query,
            negotiated,
            manager: fieldManagerFrom(req, query),
            // a PATCH that creates (server-side apply) also needs `create`, like the API server's patch handler
            authorizeCreate: () => {
              const create = { ...attrs, verb: 'create' };
              const d = cluster.auth.authorize(user, create);
              if (!d.allowed)
                throw forbiddenError(
                  create.apiGroup,
                  create.resource,
                  create.name,
                  d.reason,
                );
            },
          },
          req,
          res,
        );
        return;
      }
      case 'unknownResource':
        throw resourceNotFound();
      default:
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify(
            statusBody(
              404,
              'NotFound',
              'the server could not find the requested resource',
              {},
            ),
          ),
        );
    }
  } catch (e) {
    sendError(res, e);
  }
}
