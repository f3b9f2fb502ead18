import { BackstageIdentityResponse } from '@backstage/plugin-auth-node';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
} from '@backstage/plugin-permission-node';
import { inferenceAdminPermissions } from '@inference-platform/plugin-inference-common';

const ADMIN_PERMISSION_NAMES = new Set(
  inferenceAdminPermissions.map(p => p.name),
);

/** Label of catalog entities (the gpu-node-pool template) meant for the platform team only. */
export const AUDIENCE_LABEL = 'inference-platform.io/audience';
/** The {@link AUDIENCE_LABEL} value that hides an entity from everyone outside the platform team. */
export const PLATFORM_AUDIENCE = 'platform-team';

/**
 * The demo organisation's permission policy: everyone may read and use the portal; the inference platform's admin
 * actions (changing GPU quotas, applying cluster-scoped objects) belong to the members of the platform team, and
 * so do the catalog entities labelled for the platform team's audience (its templates are not even listed for
 * others, and the scaffolder cannot run a template its user cannot read).
 *
 * Service principals never reach this policy: Backstage decides for them from their token's access restrictions.
 */
export class InferencePlatformPolicy implements PermissionPolicy {
  constructor(private readonly platformTeamRef: string) {}

  async handle(
    request: PolicyQuery,
    user?: BackstageIdentityResponse,
  ): Promise<PolicyDecision> {
    const isPlatform = (user?.identity.ownershipEntityRefs ?? []).includes(
      this.platformTeamRef,
    );
    if (ADMIN_PERMISSION_NAMES.has(request.permission.name)) {
      return {
        result: isPlatform ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    if (
      !isPlatform &&
      request.permission.name === 'catalog.entity.read' &&
      isResourcePermission(request.permission, 'catalog-entity')
    ) {
      return createCatalogConditionalDecision(request.permission, {
        not: catalogConditions.hasLabel({
          label: AUDIENCE_LABEL,
          value: PLATFORM_AUDIENCE,
        }),
      });
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
