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
 * Reads the catalog entities that link to workloads (kubernetes-id) or stand for clusters, and the Groups whose
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
