import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TeamPlacement } from '@inference-platform/plugin-inference-common';
import { WorkloadModel } from '../workloads/WorkloadModel';
import { EntityIndex } from '../workloads/entityIndex';
import { EntityExists } from '../views/EntitySummaryView';

const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
  'spec.owner',
  'spec.system',
];

/**
 * Reads the catalog entities that link to workloads (kubernetes-id) or stand for clusters, the Systems, and the Groups whose
 * annotations grant namespaces, so entities only claim workloads where their owner may deploy.
 */
export async function loadEntityIndex(
  catalog: CatalogService,
  auth: AuthService,
  tenancy?: TeamPlacement[],
): Promise<EntityIndex> {
  return EntityIndex.fromEntities(
    await loadIndexedEntities(catalog, auth),
    tenancy,
  );
}

/** The catalog entities {@link loadEntityIndex} indexes. */
async function loadIndexedEntities(
  catalog: CatalogService,
  auth: AuthService,
): Promise<Entity[]> {
  const credentials = await auth.getOwnServiceCredentials();
  const { items } = await catalog.getEntities(
    {
      filter: [
        {
          'metadata.annotations.backstage.io/kubernetes-id':
            CATALOG_FILTER_EXISTS,
        },
        {
          kind: 'resource',
          'metadata.annotations.inference-platform.io/clusters':
            CATALOG_FILTER_EXISTS,
        },
        {
          kind: 'group',
          'metadata.annotations.inference-platform.io/namespaces':
            CATALOG_FILTER_EXISTS,
        },
        // Systems, for the owner their summary names
        { kind: 'system' },
      ],
      fields: FIELDS,
    },
    { credentials },
  );
  return items;
}

/**
 * Whether an entity exists, cached for a minute so page views rarely reach the catalog; a miss only for five seconds,
 * so an entity registered after its page first asked is found at once.
 */
export function createEntityLookup(
  catalog: CatalogService,
  auth: AuthService,
): EntityExists {
  const cache = new Map<string, { exists: boolean; until: number }>();
  return async entityRef => {
    const hit = cache.get(entityRef);
    if (hit && hit.until > Date.now()) return hit.exists;
    const entity = await catalog.getEntityByRef(entityRef, {
      credentials: await auth.getOwnServiceCredentials(),
    });
    const exists = Boolean(entity);
    cache.set(entityRef, {
      exists,
      until: Date.now() + (exists ? 60_000 : 5_000),
    });
    if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
    return exists;
  };
}

/** Whether an entity ref names a Group of the catalog. */
export type GroupExists = (groupRef: string) => Promise<boolean>;

/**
 * Looks Groups up in the catalog for the quota routes: a Group found is remembered for a minute, a miss for five
 * seconds (so a Group just added to the catalog can get a quota right away).
 */
export function createGroupLookup(
  catalog: CatalogService,
  auth: AuthService,
): GroupExists {
  const cache = new Map<string, { exists: boolean; until: number }>();
  return async groupRef => {
    const hit = cache.get(groupRef);
    if (hit && hit.until > Date.now()) return hit.exists;
    const entity = await catalog.getEntityByRef(groupRef, {
      credentials: await auth.getOwnServiceCredentials(),
    });
    const exists = entity?.kind.toLowerCase() === 'group';
    cache.set(groupRef, {
      exists,
      until: Date.now() + (exists ? 60_000 : 5_000),
    });
    if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
    return exists;
  };
}

/** How long the time an entity appeared is remembered. */
const NEW_FOR_MS = 10 * 60_000;

/** Annotations that make an entity part of the index: it links workloads, stands for clusters or grants namespaces. */
const LINKING_ANNOTATIONS = [
  'backstage.io/kubernetes-id',
  'inference-platform.io/clusters',
  'inference-platform.io/namespaces',
];

/** An entity's own fields the index reads, so a change of anything else does not re-derive the fleet. */
function indexedPart(entity: Entity): string {
  return JSON.stringify([
    entity.kind,
    entity.metadata.annotations ?? {},
    (entity.spec as any)?.owner,
    (entity.spec as any)?.system,
  ]);
}

/**
 * Keeps the tracker's entity index in step with the catalog: a full load on a schedule
 * (`inference.catalogRefreshSeconds`), and, for an entity a page asks about while the index links no workload to it,
 * one look-up of that entity at once, so a service the template just registered is linked within a request instead
 * of at the next full load. Look-ups are rate-limited per entity (`recheckMs`), so a page of an entity that runs
 * nothing, or one the catalog does not have (yet), reaches the catalog at most that often. Loads and look-ups run
 * one at a time, so a full load never undoes a look-up that came after it.
 */
export class CatalogLinks {
  private entities: Entity[] = [];
  private loaded = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly lookedUp = new Map<string, number>();
  private readonly firstSeen = new Map<string, number>();

  static create(options: {
    catalog: CatalogService;
    auth: AuthService;
    tracker: Pick<WorkloadModel, 'setEntities' | 'flush' | 'workloadsOfEntity'>;
    tenancy?: TeamPlacement[];
    logger?: LoggerService;
    /** Least time between two look-ups of one entity (default 2 s). */
    recheckMs?: number;
    now?: () => number;
  }): CatalogLinks {
    return new CatalogLinks(options);
  }

  private constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      tracker: Pick<
        WorkloadModel,
        'setEntities' | 'flush' | 'workloadsOfEntity'
      >;
      tenancy?: TeamPlacement[];
      logger?: LoggerService;
      recheckMs?: number;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Reloads every indexed entity from the catalog. */
  refresh(): Promise<void> {
    return this.serially(async () => {
      const entities = await loadIndexedEntities(
        this.options.catalog,
        this.options.auth,
      );
      const known = new Set(this.entities.map(refOf));
      for (const entity of entities) {
        const ref = refOf(entity);
        // entities of the first load are old; later ones are new from the moment they appear
        if (this.loaded && !known.has(ref) && !this.firstSeen.has(ref))
          this.firstSeen.set(ref, this.now());
      }
      this.entities = entities;
      this.loaded = true;
      this.forgetOld();
      this.publish();
    });
  }

  /**
   * Links an entity a page asks about at once when the index links no workload to it: looks it up in the catalog
   * (at most once per `recheckMs`), and if the catalog has it with other indexed fields than the index, puts it in
   * the index and re-derives the fleet before returning.
   */
  ensureLinked(entityRef: string): Promise<void> {
    if (this.options.tracker.workloadsOfEntity(entityRef).length > 0) {
      return Promise.resolve();
    }
    const last = this.lookedUp.get(entityRef);
    const recheckMs = this.options.recheckMs ?? 2_000;
    if (last !== undefined && this.now() - last < recheckMs) {
      return Promise.resolve();
    }
    this.lookedUp.set(entityRef, this.now());
    if (this.lookedUp.size > 10_000)
      this.lookedUp.delete(this.lookedUp.keys().next().value!);
    return this.serially(async () => {
      const entity = await this.options.catalog
        .getEntityByRef(entityRef, {
          credentials: await this.options.auth.getOwnServiceCredentials(),
        })
        .catch(error => {
          // the page still gets the summary the index gives; the next look-up or full load tries again
          this.options.logger?.warn(
            `Could not look ${entityRef} up in the catalog: ${error}`,
          );
          return undefined;
        });
      if (!entity || !isIndexed(entity)) return;
      const ref = refOf(entity);
      const current = this.entities.find(e => refOf(e) === ref);
      if (current && indexedPart(current) === indexedPart(entity)) return;
      if (!current && this.loaded) this.firstSeen.set(ref, this.now());
      this.entities = [...this.entities.filter(e => refOf(e) !== ref), entity];
      this.publish();
      // the page asking gets the linked workloads in this answer, not after the next recompute
      this.options.tracker.flush();
    });
  }

  /** When the entity appeared, if after the first full load (remembered for ten minutes). */
  newSince(entityRef: string): Date | undefined {
    const at = this.firstSeen.get(entityRef);
    return at === undefined ? undefined : new Date(at);
  }

  private publish() {
    this.options.tracker.setEntities(
      EntityIndex.fromEntities(this.entities, this.options.tenancy),
    );
  }

  private forgetOld() {
    for (const [ref, at] of this.firstSeen) {
      if (this.now() - at >= NEW_FOR_MS) this.firstSeen.delete(ref);
    }
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function refOf(entity: Entity): string {
  return stringifyEntityRef(entity).toLowerCase();
}

function isIndexed(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return (
    entity.kind.toLowerCase() === 'system' ||
    LINKING_ANNOTATIONS.some(a => annotations[a] !== undefined)
  );
}
