import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  KUBERNETES_NAMESPACE_ANNOTATION,
  mergePlacements,
  placementFromGroupAnnotations,
  placementRefusal,
  TeamPlacement,
  toGroupEntityRef,
} from '@inference-platform/plugin-inference-common';

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
  ownerRef?: string;
}

/** A System entity, for the owner its summary names. */
export interface SystemEntity {
  entityRef: string;
  ownerRef?: string;
}

/**
 * Entities by kubernetes-id, so a workload label resolves to its entity and owner without a catalog call.
 */
export class EntityIndex {
  private readonly byId = new Map<string, LinkedEntity[]>();
  private readonly byRef = new Map<string, LinkedEntity>();
  private readonly resourcesByRef = new Map<string, ClusterResource>();
  private readonly systemsByRef = new Map<string, SystemEntity>();

  /**
   * @param placements - where each team may deploy (inference.tenancy and Group annotations). When given, an entity
   *   claims a workload only in a namespace and cluster its owner may use; without it (no tenancy configured) any
   *   matching workload is claimed, as the Kubernetes plugin does.
   */
  constructor(
    readonly entities: LinkedEntity[] = [],
    readonly resources: ClusterResource[] = [],
    private readonly placements?: Map<string, TeamPlacement>,
    readonly systems: SystemEntity[] = [],
  ) {
    for (const resource of resources)
      this.resourcesByRef.set(resource.entityRef, resource);
    for (const system of systems)
      this.systemsByRef.set(system.entityRef, system);
    for (const entity of entities) {
      const list = this.byId.get(entity.kubernetesId) ?? [];
      list.push(entity);
      this.byId.set(entity.kubernetesId, list);
      this.byRef.set(entity.entityRef, entity);
    }
  }

  /**
   * Builds the index from catalog entities (those without the annotation are ignored). Groups among them add their
   * namespace and cluster annotations to the configured placements.
   */
  static fromEntities(
    entities: Entity[],
    configuredPlacements?: TeamPlacement[],
  ): EntityIndex {
    const linked: LinkedEntity[] = [];
    const resources: ClusterResource[] = [];
    const systems: SystemEntity[] = [];
    const placements = configuredPlacements
      ? placementsOf(entities, configuredPlacements)
      : undefined;
    for (const entity of entities) {
      if (entity.kind.toLowerCase() === 'group') continue;
      if (entity.kind.toLowerCase() === 'system') {
        systems.push({
          entityRef: stringifyEntityRef(entity),
          ownerRef: ownerRefOf(entity),
        });
        continue;
      }
      const annotations = entity.metadata.annotations ?? {};
      const clusters = annotations['inference-platform.io/clusters']
        ?.split(',')
        .map(c => c.trim())
        .filter(Boolean);
      const kubernetesId = annotations['backstage.io/kubernetes-id'];
      if (!kubernetesId) {
        if (entity.kind.toLowerCase() === 'resource' && clusters?.length) {
          resources.push({
            entityRef: stringifyEntityRef(entity),
            clusters,
            ownerRef: ownerRefOf(entity),
          });
        }
        continue;
      }
      linked.push({
        entityRef: stringifyEntityRef(entity),
        ownerRef: ownerRefOf(entity),
        kubernetesId,
        namespace: annotations[KUBERNETES_NAMESPACE_ANNOTATION],
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
    return new EntityIndex(linked, resources, placements, systems);
  }

  /**
   * The entity a workload with this kubernetes-id in this cluster and namespace belongs to. A workload that carries
   * the platform's owner label (set by the template that created it) is only claimed by an entity of that owner;
   * with tenancy configured, an entity only claims workloads where its owner may deploy.
   */
  match(
    kubernetesId: string,
    cluster: string,
    namespace: string,
    workloadOwner?: string,
  ): LinkedEntity | undefined {
    return this.byId
      .get(kubernetesId)
      ?.find(
        e =>
          (!e.namespace || e.namespace === namespace) &&
          (!e.clusters || e.clusters.includes(cluster)) &&
          (!workloadOwner || e.ownerRef === toGroupEntityRef(workloadOwner)) &&
          this.mayClaim(e, cluster, namespace),
      );
  }

  private mayClaim(
    entity: LinkedEntity,
    cluster: string,
    namespace: string,
  ): boolean {
    if (!this.placements) return true;
    if (!entity.ownerRef) return false;
    const placement = this.placements.get(entity.ownerRef);
    return (
      placement !== undefined &&
      placementRefusal(placement, { cluster, namespace }) === undefined
    );
  }

  /**
   * The clusters a team may deploy to, for its quota's capacity: undefined when any (no tenancy configured, a grant
   * without a cluster list, or no grant at all: a team's quota is then measured against the whole fleet).
   */
  clustersOf(ownerRef: string): readonly string[] | undefined {
    return this.placements?.get(ownerRef)?.clusters;
  }

  /** The linked entity with this ref. */
  byEntityRef(entityRef: string): LinkedEntity | undefined {
    return this.byRef.get(entityRef);
  }

  /** Linked entities that are part of a system. */
  inSystem(systemRef: string): LinkedEntity[] {
    return this.entities.filter(e => e.systemRef === systemRef);
  }

  /** A System entity's ref and owner. */
  system(entityRef: string): SystemEntity | undefined {
    return this.systemsByRef.get(entityRef);
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

/** Configured placements joined with the annotations of the Groups among the entities. */
function placementsOf(
  entities: Entity[],
  configured: TeamPlacement[],
): Map<string, TeamPlacement> {
  const byOwner = new Map<string, Array<TeamPlacement | undefined>>();
  const add = (ref: string, placement: TeamPlacement | undefined) =>
    byOwner.set(ref, [...(byOwner.get(ref) ?? []), placement]);
  for (const placement of configured) add(placement.ownerRef, placement);
  for (const entity of entities) {
    if (entity.kind.toLowerCase() !== 'group') continue;
    const ref = stringifyEntityRef(entity).toLowerCase();
    add(ref, placementFromGroupAnnotations(ref, entity.metadata.annotations));
  }
  return new Map(
    [...byOwner].map(([ref, list]) => [ref, mergePlacements(ref, list)]),
  );
}
