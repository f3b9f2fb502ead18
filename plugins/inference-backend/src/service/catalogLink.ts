import { AuthService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TeamPlacement } from '@inference-platform/plugin-inference-common';
import { EntityIndex } from '../workloads/entityIndex';
import { EntityExists } from './SummaryService';

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
  return EntityIndex.fromEntities(items, tenancy);
}

/** Whether an entity exists, cached for a minute so page views rarely reach the catalog. */
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
    cache.set(entityRef, {
      exists: Boolean(entity),
      until: Date.now() + 60_000,
    });
    if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
    return Boolean(entity);
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
