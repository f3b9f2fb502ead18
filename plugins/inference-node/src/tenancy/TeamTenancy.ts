import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';
import {
  actsFor,
  CallerIdentity,
  isPlatformMember,
  mergePlacements,
  placementFromGroupAnnotations,
  TeamPlacement,
  toGroupEntityRef,
} from '@inference-platform/plugin-inference-common';

/** The platform team when `inference.platformTeam` is not set. */
export const DEFAULT_PLATFORM_TEAM = 'group:default/platform-team';

/**
 * The placements of `inference.tenancy.teams`, one per team (entries of the same team joined); a malformed entry
 * throws naming the field.
 *
 * @public
 */
export function readTenancyTeams(config: Config): TeamPlacement[] {
  const configured = new Map<string, TeamPlacement>();
  (config.getOptionalConfigArray('inference.tenancy.teams') ?? []).forEach(
    (team, i) => {
      const ownerRef = toGroupEntityRef(team.getString('owner'));
      const namespaces = team.getOptionalStringArray('namespaces') ?? [];
      const clusters = team.getOptionalStringArray('clusters');
      for (const namespace of namespaces) {
        if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) {
          throw new Error(
            `inference.tenancy.teams[${i}].namespaces has '${namespace}', which is not a namespace name`,
          );
        }
      }
      configured.set(
        ownerRef,
        mergePlacements(ownerRef, [
          configured.get(ownerRef),
          { ownerRef, namespaces, clusters },
        ]),
      );
    },
  );
  return [...configured.values()];
}

/**
 * What the tenancy needs of the catalog: a Group entity by ref, read with the caller's credentials. Structural, so
 * `CatalogService` and `CatalogApi` both fit.
 *
 * @public
 */
export interface GroupReader {
  getEntityByRef(
    entityRef: string,
    options: { credentials: BackstageCredentials },
  ): Promise<
    | { kind: string; metadata: { annotations?: Record<string, string> } }
    | undefined
  >;
}

/**
 * Who the caller is and where the team they act for may deploy. Identity comes from the auth system (userInfo),
 * never from a form field; placements come from `inference.tenancy.teams` and the team's Group annotations.
 *
 * @public
 */
export class TeamTenancy {
  private constructor(
    private readonly configured: Map<string, TeamPlacement>,
    readonly platformTeamRef: string,
    private readonly deps: { userInfo: UserInfoService; catalog: GroupReader },
  ) {}

  /** Reads `inference.platformTeam` and `inference.tenancy.teams`; a malformed entry throws naming the field. */
  static fromConfig(
    config: Config,
    deps: { userInfo: UserInfoService; catalog: GroupReader },
  ): TeamTenancy {
    const configured = new Map(
      readTenancyTeams(config).map(p => [p.ownerRef, p]),
    );
    return new TeamTenancy(
      configured,
      toGroupEntityRef(
        config.getOptionalString('inference.platformTeam') ??
          DEFAULT_PLATFORM_TEAM,
      ),
      deps,
    );
  }

  /** The caller's identity; service principals have none and may not act for a team. */
  async caller(credentials: BackstageCredentials): Promise<CallerIdentity> {
    if ((credentials.principal as { type?: string }).type !== 'user') {
      throw new NotAllowedError(
        'Only a signed-in user may deploy for a team; service credentials act for nobody',
      );
    }
    return this.deps.userInfo.getUserInfo(credentials);
  }

  /** Throws 403 unless the caller is a member of the owner group or of the platform team. */
  async requireActsFor(
    credentials: BackstageCredentials,
    ownerRef: string,
    action: string,
  ): Promise<CallerIdentity> {
    const caller = await this.caller(credentials);
    if (!actsFor(caller, ownerRef, this.platformTeamRef)) {
      throw new NotAllowedError(
        `${caller.userEntityRef} is not a member of ${toGroupEntityRef(
          ownerRef,
        )} and may not ${action}`,
      );
    }
    return caller;
  }

  /** Whether the caller belongs to the platform team. */
  isPlatform(caller: CallerIdentity): boolean {
    return isPlatformMember(caller, this.platformTeamRef);
  }

  /** Where the team may deploy: config entry joined with its Group's annotations. */
  async placementOf(
    ownerRef: string,
    credentials: BackstageCredentials,
  ): Promise<TeamPlacement> {
    const ref = toGroupEntityRef(ownerRef);
    const group = await this.deps.catalog
      .getEntityByRef(ref, { credentials })
      .catch(() => undefined);
    const fromGroup =
      group?.kind?.toLowerCase() === 'group'
        ? placementFromGroupAnnotations(ref, group.metadata.annotations)
        : undefined;
    return mergePlacements(ref, [this.configured.get(ref), fromGroup]);
  }
}
