import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { createValidatedOpenApiRouterFromGeneratedEndpointMap } from '@backstage/backend-openapi-utils';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  healthOf,
  ClusterPlatformResponse,
  describeClusterPlatform,
  gpuTypeRefusal,
  knownGpuTypes,
  inferenceQuotaReadPermission,
  inferenceQuotaUpdatePermission,
  inferenceReservationCreatePermission,
  inferenceReservationReleasePermission,
  inferenceWorkloadReadPermission,
  InferenceHealthResponse,
  Reservation,
} from '@inference-platform/plugin-inference-common';
import { BasicPermission } from '@backstage/plugin-permission-common';
import { ClusterPlatforms } from '@inference-platform/plugin-inference-node';
import express from 'express';
import { InferenceStore, ReservationRecord } from '../database/InferenceStore';
import { StoreAvailability } from '../database/StoreAvailability';
import { InferenceOptions } from '../options';
import { InferenceEndpoints } from '../schema/endpoints';
import { spec } from '../schema/openapi.generated';
import { QuotaLedger } from '../quota/QuotaLedger';
import { EntitySummaryView } from '../views/EntitySummaryView';
import { PlatformView } from '../views/PlatformView';
import { DailyUsageRows } from '../views/viewDeps';
import { WorkloadModel } from '../workloads/WorkloadModel';
import { Access } from './access';
import { answerOutage } from './answerOutage';
import { CatalogLinks, GroupExists } from './catalogLink';
import { publicClusterError } from './clusterErrors';
import { decodeCursor, pageOf, pageSize } from './paging';
import { TooManyRequestsError, WriteRateLimiter } from './rateLimit';
import { usageWindow } from './usageBounds';
import { usageHistory } from './usageHistory';

/**
 * Everything the REST API needs, passed in by the plugin's wiring.
 *
 * @internal
 */
export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  access: Access;
  store: InferenceStore;
  /** Whether the store answers: during an outage every route that needs it answers 503. */
  availability: StoreAvailability;
  /** What runs where (derived from the watch caches). */
  workloads: WorkloadModel;
  /** Quota lines and reservations: every ledger write goes through it. */
  ledger: QuotaLedger;
  entitySummaries: EntitySummaryView;
  platformView: PlatformView;
  usage: DailyUsageRows;
  options: InferenceOptions;
  databaseClient: string;
  /** Catalog lookup of owner Groups, for quota lines. */
  groupExists: GroupExists;
  /** Links an entity a page asks about at once when the index links nothing to it yet. */
  catalogLinks?: Pick<CatalogLinks, 'ensureLinked'>;
  /** Platform settings of each cluster (inference.platform), as the templates use them. */
  platforms: ClusterPlatforms;
}

const ANY_CALLER = { allow: ['user', 'service'] as Array<'user' | 'service'> };

// A request without Content-Type is read as JSON, so a missing body is reported by the field it lacks instead of
// express-openapi-validator's "unsupported media type undefined".
const jsonByDefault: express.RequestHandler = (req, _res, next) => {
  if (!req.headers['content-type']) {
    req.headers['content-type'] = 'application/json';
  }
  next();
};

// PostgreSQL cannot store NUL in text (a 500 from the insert): refuse it in any JSON string, naming the field.
// Iterative, since a 64 kB body can nest deeper than the call stack.
const refuseNul: express.RequestHandler = (req, _res, next) => {
  const pending: Array<[unknown, string]> = [[req.body, '']];
  while (pending.length > 0) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string' && value.includes('\u0000')) {
      next(
        new InputError(
          `${path || 'body'} must not contain the NUL character (\\u0000)`,
        ),
      );
      return;
    }
    if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        pending.push([child, path ? `${path}.${key}` : key]);
      }
    }
  }
  next();
};

/**
 * Builds the `/api/inference` router from the OpenAPI spec (requests are validated against it: bad input gets a 400
 * naming the field).
 *
 * @internal
 */
export async function createRouter(
  deps: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, access, store, availability, ledger, options } = deps;
  const tracker = deps.workloads;
  const router =
    createValidatedOpenApiRouterFromGeneratedEndpointMap<InferenceEndpoints>(
      spec,
      {
        middleware: [jsonByDefault, express.json({ limit: '64kb' }), refuseNul],
      },
    );

  const limiter = WriteRateLimiter.create({
    writesPerMinute: options.rateLimit.writesPerMinute,
  });
  /** The caller of a write: authenticated, within its write allowance, holding the permission. */
  const writeCaller = async (
    req: express.Request,
    // only the header is set here, so any route's typed response fits
    res: Pick<express.Response, 'set'>,
    permission: BasicPermission,
  ) => {
    const credentials = await httpAuth.credentials(req, ANY_CALLER);
    // refused before it counts against the caller's allowance: the client will retry it
    availability.assertReachable();
    try {
      limiter.take(access.principalRef(credentials));
    } catch (error) {
      if (error instanceof TooManyRequestsError) {
        res.set('Retry-After', String(error.retryAfterSeconds));
      }
      throw error;
    }
    await access.require(credentials, permission);
    return credentials;
  };

  /**
   * The caller of a read. One rule during a database outage: every read that needs the store answers 503, also when
   * a cache could still answer it, so no page mixes stale and failed parts; reads of the clusters' watch caches and
   * config alone (`needsStore: false`) answer as usual.
   */
  const readCaller = async (
    req: express.Request,
    permission = inferenceWorkloadReadPermission,
    { needsStore = true } = {},
  ) => {
    const credentials = await httpAuth.credentials(req, ANY_CALLER);
    if (needsStore) availability.assertReachable();
    await access.require(credentials, permission);
    return credentials;
  };

  router.get('/health', async (req, res) => {
    const credentials = await httpAuth.credentials(req, ANY_CALLER);
    // the engine and migration are internal details: admins only
    const admin = await access.isAdmin(credentials);
    const body: InferenceHealthResponse = {
      status: 'ok',
      database: { reachable: true },
    };
    if (admin) body.database.client = deps.databaseClient;
    try {
      await store.ping();
      if (admin) body.database.latestMigration = await store.latestMigration();
    } catch (error) {
      // an outage is logged once, when the store is lost, not at every health check
      if (!(error instanceof ServiceUnavailableError)) {
        deps.logger.warn(`Inference store is unreachable: ${error}`);
      }
      body.status = 'degraded';
      body.database.reachable = false;
    }
    res.status(body.status === 'ok' ? 200 : 503).json(body);
  });

  router.get('/entities/:kind/:namespace/:name/summary', async (req, res) => {
    await readCaller(req);
    const multiplier = req.query.loadMultiplier
      ? Number(req.query.loadMultiplier)
      : undefined;
    if (multiplier !== undefined && !(multiplier >= 1 && multiplier <= 100)) {
      throw new InputError('loadMultiplier must be between 1 and 100');
    }
    const { kind, namespace, name } = req.params;
    // a service registered moments ago: linked now, not at the next catalog refresh
    await deps.catalogLinks?.ensureLinked(
      `${kind}:${namespace}/${name}`.toLowerCase(),
    );
    const summary = await deps.entitySummaries.entitySummary(req.params, {
      loadMultiplier: multiplier,
    });
    res.json(summary);
  });

  router.get('/workloads', async (req, res) => {
    await readCaller(req);
    const { cluster, owner, gpuType, health } = req.query;
    // with the SLO and quota findings, so the governance page counts what the entity pages show
    const items = (await deps.platformView.workloads()).filter(
      w =>
        (!cluster || w.cluster === cluster) &&
        (!owner || w.owner === owner) &&
        (!gpuType || w.gpuType === gpuType) &&
        (!health || healthOf(w) === health),
    );
    res.json({ items });
  });

  router.get('/clusters', async (req, res) => {
    await readCaller(req, inferenceWorkloadReadPermission, {
      needsStore: false,
    });
    const capacity = new Map(tracker.capacity().map(c => [c.cluster, c]));
    res.json({
      items: tracker.clusterStatuses().map(status => ({
        ...status,
        lastError: publicClusterError(status.lastError),
        capacity: capacity.get(status.name),
      })),
    });
  });

  router.get('/clusters/:cluster/platform', async (req, res) => {
    await readCaller(req, inferenceWorkloadReadPermission, {
      needsStore: false,
    });
    const { cluster } = req.params;
    if (!tracker.fleet.has(cluster)) {
      throw new NotFoundError(`No tracked cluster is named ${cluster}`);
    }
    const settings = deps.platforms.settingsOf(cluster);
    const body: ClusterPlatformResponse = {
      cluster,
      settings,
      summary: describeClusterPlatform(settings),
      sources: deps.platforms.sourcesOf(cluster),
    };
    res.json(body);
  });

  router.get('/quotas', async (req, res) => {
    await readCaller(req, inferenceQuotaReadPermission);
    const items = await ledger.standings({ owner: req.query.owner });
    res.json({ items });
  });

  /** A new or changed quota line must name a catalog Group and a GPU type the catalog or a pool knows. */
  const checkQuotaLine = async (owner: string, gpuType: string) => {
    const { kind } = parseEntityRef(owner);
    if (kind.toLowerCase() !== 'group') {
      throw new InputError(
        `owner must be a Group of the catalog, not a ${kind.toLowerCase()}: ${owner}`,
      );
    }
    const refusal = gpuTypeRefusal(gpuType, knownGpuTypes(tracker.capacity()));
    if (refusal) throw new InputError(refusal);
    if (!(await deps.groupExists(owner))) {
      throw new InputError(`owner ${owner} is not a Group of the catalog`);
    }
  };

  router.put('/quotas/:owner/:gpuType', async (req, res) => {
    const credentials = await writeCaller(
      req,
      res,
      inferenceQuotaUpdatePermission,
    );
    await checkQuotaLine(req.params.owner, req.params.gpuType);
    const quota = await ledger.setQuota({
      ownerRef: req.params.owner,
      gpuType: req.params.gpuType,
      limit: req.body.limit,
      reason: req.body.reason,
      changedBy: access.principalRef(credentials),
    });
    res.json({ ...quota, updatedAt: quota.updatedAt.toISOString() });
  });

  // any line may be removed, also one written before lines were checked
  router.delete('/quotas/:owner/:gpuType', async (req, res) => {
    const credentials = await writeCaller(
      req,
      res,
      inferenceQuotaUpdatePermission,
    );
    const { owner, gpuType } = req.params;
    // PostgreSQL cannot store NUL in text; the body of other writes is checked by refuseNul
    if (req.query.reason?.includes('\u0000')) {
      throw new InputError(
        'reason must not contain the NUL character (\\u0000)',
      );
    }
    const removedBy = access.principalRef(credentials);
    const removedAt = new Date();
    const removed = await ledger.removeQuota({
      ownerRef: owner,
      gpuType,
      changedBy: removedBy,
      reason: req.query.reason,
      force: req.query.force === 'true',
      now: removedAt,
    });
    if (!removed) {
      throw new NotFoundError(`${owner} has no quota line for ${gpuType}`);
    }
    deps.logger.info(
      `Quota line ${owner} x ${gpuType} (limit ${removed.limit}) removed by ${removedBy}`,
    );
    res.json({
      ownerRef: owner,
      gpuType,
      previousLimit: removed.limit,
      removedBy,
      removedAt: removedAt.toISOString(),
    });
  });

  router.get('/quotas/:owner/:gpuType/audit', async (req, res) => {
    await readCaller(req, inferenceQuotaReadPermission);
    const size = pageSize(req.query.limit);
    const afterId = decodeCursor(req.query.cursor, p =>
      Number.isSafeInteger(p?.a) ? (p.a as number) : undefined,
    );
    const filter = { ownerRef: req.params.owner, gpuType: req.params.gpuType };
    const [items, totalCount] = await Promise.all([
      store.quotas.listQuotaAudit({ ...filter, limit: size + 1, afterId }),
      store.quotas.countQuotaAudit(filter),
    ]);
    res.json(
      pageOf(
        items,
        size,
        totalCount,
        a => ({ a: a.id }),
        a => ({ ...a, changedAt: a.changedAt.toISOString() }),
      ),
    );
  });

  router.get('/reservations', async (req, res) => {
    await readCaller(req, inferenceQuotaReadPermission);
    const size = pageSize(req.query.limit);
    const after = decodeCursor(req.query.cursor, p =>
      Number.isSafeInteger(p?.t) && typeof p?.i === 'string'
        ? { createdAt: new Date(p.t as number), id: p.i as string }
        : undefined,
    );
    const filter = {
      ownerRef: req.query.owner,
      status: req.query.state ? [req.query.state] : undefined,
    };
    const [items, totalCount] = await Promise.all([
      store.quotas.listReservations({ ...filter, limit: size + 1, after }),
      store.quotas.countReservations(filter),
    ]);
    res.json(
      pageOf(
        items,
        size,
        totalCount,
        r => ({ t: r.createdAt.getTime(), i: r.id }),
        toReservation,
      ),
    );
  });

  router.get('/reservations/:id', async (req, res) => {
    await readCaller(req, inferenceQuotaReadPermission);
    const reservation = await store.quotas.getReservation(req.params.id);
    if (!reservation)
      throw new NotFoundError(`No reservation ${req.params.id}`);
    res.json(toReservation(reservation));
  });

  router.post('/reservations', async (req, res) => {
    const credentials = await writeCaller(
      req,
      res,
      inferenceReservationCreatePermission,
    );
    const body = req.body;
    await access.requireActsFor(
      credentials,
      body.owner,
      `reserve GPUs for ${body.owner}`,
    );
    const { reservation, replayed } = await ledger.reserve({
      ownerRef: body.owner,
      gpuType: body.gpuType,
      gpuCount: body.gpus,
      ttlSeconds: body.ttlSeconds ?? options.reservationTtlSeconds,
      requester: access.principalRef(credentials),
      idempotencyKey: body.idempotencyKey,
      entityRef: body.entityRef,
      cluster: body.workload?.cluster,
      namespace: body.workload?.namespace,
      workloadName: body.workload?.name,
    });
    res.status(replayed ? 200 : 201).json(toReservation(reservation));
  });

  router.post('/reservations/:id/release', async (req, res) => {
    const credentials = await writeCaller(
      req,
      res,
      inferenceReservationReleasePermission,
    );
    const existing = await store.quotas.getReservation(req.params.id);
    if (!existing) throw new NotFoundError(`No reservation ${req.params.id}`);
    await access.requireActsFor(
      credentials,
      existing.ownerRef,
      `release a reservation of ${existing.ownerRef}`,
      existing.requester,
    );
    const released = await ledger.release(
      req.params.id,
      access.principalRef(credentials),
    );
    res.json(toReservation(released));
  });

  router.get('/usage', async (req, res) => {
    await readCaller(req);
    const { entityRef, owner } = req.query;
    const { days, granularity } = usageWindow(req.query);
    res.json(
      await usageHistory({
        store,
        rows: await deps.usage.rows(),
        entityRef,
        owner,
        days,
        granularity,
        options,
      }),
    );
  });

  router.get('/platform', async (req, res) => {
    await readCaller(req);
    res.json(await deps.platformView.overview());
  });

  router.use(answerOutage(availability));

  return router;
}

function toReservation(record: ReservationRecord): Reservation {
  return {
    id: record.id,
    owner: record.ownerRef,
    gpuType: record.gpuType,
    gpus: record.gpuCount,
    state: record.status,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
    confirmedAt:
      record.status === 'confirmed'
        ? record.resolvedAt?.toISOString()
        : undefined,
    releasedAt:
      record.status === 'released'
        ? record.resolvedAt?.toISOString()
        : undefined,
    workload:
      record.cluster && record.namespace && record.workloadName
        ? {
            cluster: record.cluster,
            namespace: record.namespace,
            kind: 'Deployment',
            name: record.workloadName,
          }
        : undefined,
    createdBy: record.requester,
    reason: record.reason,
  };
}
