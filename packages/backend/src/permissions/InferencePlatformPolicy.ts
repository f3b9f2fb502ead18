import { BackstageIdentityResponse } from '@backstage/plugin-auth-node';
import {
  AuthorizeResult,
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

/**
 * The demo organisation's permission policy: everyone may read and use the portal; the inference platform's admin
 * actions (changing GPU quotas) belong to the members of the platform team.
 */
export class InferencePlatformPolicy implements PermissionPolicy {
  constructor(private readonly platformTeamRef: string) {}

  async handle(
    request: PolicyQuery,
    user?: BackstageIdentityResponse,
  ): Promise<PolicyDecision> {
    if (ADMIN_PERMISSION_NAMES.has(request.permission.name)) {
      const ownership = user?.identity.ownershipEntityRefs ?? [];
      return {
        result: ownership.includes(this.platformTeamRef)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
