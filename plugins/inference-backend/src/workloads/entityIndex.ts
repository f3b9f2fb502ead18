import { Entity, stringifyEntityRef } from '@backstage/catalog-model';

/** A catalog entity that may own workloads, by its `backstage.io/kubernetes-id`. */
export interface LinkedEntity {
  entityRef: string;
  ownerRef?: string;
  kubernetesId: string;
  /** `backstage.io/kubernetes-namespace`, when it narrows the match. */
  namespace?: string;
  /** `inference-platform.io/clusters`, when it narrows the match. */
  clusters?: string[];
  /** System the entity is part of (`spec.system`), as an entity ref. */
  systemRef?: string;
  /** `inference-platform.io/replica-capacity-rps`: requests/s one replica sustains at its SLO. */
  replicaCapacityRps?: number;
  /** `inference-platform.io/slo-ttft-p95-ms`. */
  sloTtftP95Ms?: number;
}

/** A Resource entity that stands for clusters (`inference-platform.io/clusters`), for its capacity card. */
export interface ClusterResource {
  entityRef: string;
  clusters: string[];
}

/**
 * Entities by kubernetes-id, so a workload label resolves to its entity and owner without a catalog call.
 */
export class EntityIndex {
  private readonly byId = new Map<string, LinkedEntity[]>();
  private readonly byRef = new Map<string, LinkedEntity>();
  private readonly resourcesByRef = new Map<string, ClusterResource>();

  constructor(
    readonly entities: LinkedEntity[] = [],
    readonly resources: ClusterResource[] = [],
  ) {
    for (const resource of resources)
      this.resourcesByRef.set(resource.entityRef, resource);
    for (const entity of entities) {
      const list = this.byId.get(entity.kubernetesId) ?? [];
      list.push(entity);
      this.byId.set(entity.kubernetesId, list);
      this.byRef.set(entity.entityRef, entity);
    }
  }

  /** Builds the index from catalog entities (those without the annotation are ignored). */
  static fromEntities(entities: Entity[]): EntityIndex {
    const linked: LinkedEntity[] = [];
    const resources: ClusterResource[] = [];
    for (const entity of entities) {
      const annotations = entity.metadata.annotations ?? {};
      const clusters = annotations['inference-platform.io/clusters']
        ?.split(',')
        .map(c => c.trim())
        .filter(Boolean);
      const kubernetesId = annotations['backstage.io/kubernetes-id'];
      if (!kubernetesId) {
        if (entity.kind.toLowerCase() === 'resource' && clusters?.length) {
          resources.push({ entityRef: stringifyEntityRef(entity), clusters });
        }
        continue;
      }
      linked.push({
        entityRef: stringifyEntityRef(entity),
        ownerRef: ownerRefOf(entity),
        kubernetesId,
        namespace: annotations['backstage.io/kubernetes-namespace'],
        clusters,
        systemRef: systemRefOf(entity),
        replicaCapacityRps: positiveNumber(
          annotations['inference-platform.io/replica-capacity-rps'],
        ),
        sloTtftP95Ms: positiveNumber(
          annotations['inference-platform.io/slo-ttft-p95-ms'],
        ),
      });
    }
    return new EntityIndex(linked, resources);
  }

  /** The entity a workload with this kubernetes-id in this cluster and namespace belongs to. */
  match(
    kubernetesId: string,
    cluster: string,
    namespace: string,
  ): LinkedEntity | undefined {
    return this.byId
      .get(kubernetesId)
      ?.find(
        e =>
          (!e.namespace || e.namespace === namespace) &&
          (!e.clusters || e.clusters.includes(cluster)),
      );
  }

  /** The linked entity with this ref. */
  byEntityRef(entityRef: string): LinkedEntity | undefined {
    return this.byRef.get(entityRef);
  }

  /** Linked entities that are part of a system. */
  inSystem(systemRef: string): LinkedEntity[] {
    return this.entities.filter(e => e.systemRef === systemRef);
  }

  /** The clusters a Resource entity stands for. */
  clusterResource(entityRef: string): ClusterResource | undefined {
    return this.resourcesByRef.get(entityRef);
  }
}

function systemRefOf(entity: Entity): string | undefined {
  const system = (entity.spec as { system?: unknown } | undefined)?.system;
  if (typeof system !== 'string' || !system) return undefined;
  if (system.includes(':')) return system.toLowerCase();
  return `system:${
    entity.metadata.namespace ?? 'default'
  }/${system}`.toLowerCase();
}

function positiveNumber(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}

function ownerRefOf(entity: Entity): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || !owner) return undefined;
  if (owner.includes(':')) return owner.toLowerCase();
  return `group:${
    entity.metadata.namespace ?? 'default'
  }/${owner}`.toLowerCase();
}
