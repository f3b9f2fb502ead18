/**
 * Who may deploy where: the tenancy model of the platform. A team (a catalog Group) may use the namespaces and
 * clusters the platform grants it, from the app-config or from annotations on its Group entity; the platform team
 * may use every one. Which team a caller acts for is decided by the caller's identity (their ownership refs), never
 * by a form field.
 */

/** Annotation on a Group entity: namespaces (comma separated) the team's services may be deployed to. */
export const TEAM_NAMESPACES_ANNOTATION = 'inference-platform.io/namespaces';

/** Annotation on a Group entity: clusters (comma separated) the team may deploy to; all clusters when absent. */
export const TEAM_CLUSTERS_ANNOTATION = 'inference-platform.io/clusters';

/**
 * Where one team may deploy.
 *
 * @public
 */
export interface TeamPlacement {
  /** The team, as a full group ref (`group:default/ml-chat`). */
  ownerRef: string;
  /** Namespaces the team's objects may live in. Empty: none. */
  namespaces: string[];
  /** Clusters the team may deploy to; undefined: every configured cluster. */
  clusters?: string[];
}

/**
 * The identity of a caller, as the auth system resolves it.
 *
 * @public
 */
export interface CallerIdentity {
  userEntityRef: string;
  /** The user's own ref and the groups they belong to (Backstage's ownershipEntityRefs). */
  ownershipEntityRefs: string[];
}

/**
 * `ml-chat` → `group:default/ml-chat`; refs are compared in lower case, as the catalog does.
 *
 * @public
 */
export function toGroupEntityRef(owner: string): string {
  const trimmed = owner.trim().toLowerCase();
  if (trimmed.includes(':')) return trimmed;
  return trimmed.includes('/')
    ? `group:${trimmed}`
    : `group:default/${trimmed}`;
}

/**
 * The bare group name of a ref, as it goes into the owner label of Kubernetes objects.
 *
 * @public
 */
export function groupNameOf(ownerRef: string): string {
  return toGroupEntityRef(ownerRef).split('/').pop()!;
}

function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);
}

/**
 * A team's placement from the annotations of its Group entity, or undefined when it carries none.
 *
 * @public
 */
export function placementFromGroupAnnotations(
  ownerRef: string,
  annotations: Record<string, string> | undefined,
): TeamPlacement | undefined {
  const namespaces = splitList(annotations?.[TEAM_NAMESPACES_ANNOTATION]);
  const clusters = splitList(annotations?.[TEAM_CLUSTERS_ANNOTATION]);
  if (!namespaces && !clusters) return undefined;
  return {
    ownerRef: toGroupEntityRef(ownerRef),
    namespaces: namespaces ?? [],
    clusters: clusters && clusters.length > 0 ? clusters : undefined,
  };
}

/**
 * Joins the placements granted to one team by config and by its Group entity: namespaces of either; clusters of
 * either, unless one grants every cluster.
 *
 * @public
 */
export function mergePlacements(
  ownerRef: string,
  placements: Array<TeamPlacement | undefined>,
): TeamPlacement {
  const present = placements.filter((p): p is TeamPlacement => Boolean(p));
  const namespaces = [...new Set(present.flatMap(p => p.namespaces))].sort();
  const everyCluster = present.some(p => !p.clusters);
  const clusters = everyCluster
    ? undefined
    : [...new Set(present.flatMap(p => p.clusters ?? []))].sort();
  return {
    ownerRef: toGroupEntityRef(ownerRef),
    namespaces,
    // a team with no grant at all gets no cluster either
    clusters: present.length === 0 ? [] : clusters,
  };
}

/**
 * Whether the caller may act for the owner group: a member of it, or of the platform team.
 *
 * @public
 */
export function actsFor(
  caller: CallerIdentity,
  ownerRef: string,
  platformTeamRef: string,
): boolean {
  const owned = new Set(caller.ownershipEntityRefs.map(r => r.toLowerCase()));
  return (
    owned.has(toGroupEntityRef(ownerRef)) ||
    owned.has(toGroupEntityRef(platformTeamRef))
  );
}

/**
 * Whether the caller belongs to the platform team.
 *
 * @public
 */
export function isPlatformMember(
  caller: CallerIdentity,
  platformTeamRef: string,
): boolean {
  return caller.ownershipEntityRefs
    .map(r => r.toLowerCase())
    .includes(toGroupEntityRef(platformTeamRef));
}

/**
 * Why the team may not deploy to this cluster and namespace, or undefined when it may.
 *
 * @public
 */
export function placementRefusal(
  placement: TeamPlacement,
  target: { cluster: string; namespace?: string },
): string | undefined {
  if (placement.clusters && !placement.clusters.includes(target.cluster)) {
    return `${placement.ownerRef} may not deploy to cluster ${
      target.cluster
    } (allowed: ${placement.clusters.join(', ') || 'none'})`;
  }
  if (
    target.namespace !== undefined &&
    !placement.namespaces.includes(target.namespace)
  ) {
    return `${placement.ownerRef} may not deploy to namespace ${
      target.namespace
    } (allowed: ${
      placement.namespaces.join(', ') || 'none'
    }; the platform team grants namespaces in inference.tenancy or on the team's Group)`;
  }
  return undefined;
}
