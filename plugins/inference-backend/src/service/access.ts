import {
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  inferenceAdminPermissions,
  inferenceQuotaUpdatePermission,
} from '@inference-platform/plugin-inference-common';
import { ServicePrincipalGrant } from '../options';

const ADMIN_PERMISSION_NAMES = new Set(
  inferenceAdminPermissions.map(p => p.name),
);

type Principal = { type: string; userEntityRef?: string; subject?: string };

/**
 * Permission and ownership checks of the API, in one place: every route asks here instead of repeating them.
 *
 * Backstage's permission service allows a service principal everything its token's access restrictions leave it, so
 * what a service may do beyond that is decided here, from `inference.servicePrincipals`: admin permissions only with
 * `quotaAdmin`, acting for a team only with `actForAnyTeam`.
 */
export class Access {
  static create(options: {
    permissions: PermissionsService;
    userInfo: UserInfoService;
    servicePrincipals?: ServicePrincipalGrant[];
  }): Access {
    return new Access(
      options.permissions,
      options.userInfo,
      new Map((options.servicePrincipals ?? []).map(g => [g.subject, g])),
    );
  }

  private constructor(
    private readonly permissions: PermissionsService,
    private readonly userInfo: UserInfoService,
    private readonly grants: Map<string, ServicePrincipalGrant>,
  ) {}

  /** Throws 403 unless the caller holds the permission. */
  async require(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<void> {
    const service = this.serviceSubject(credentials);
    if (
      service !== undefined &&
      ADMIN_PERMISSION_NAMES.has(permission.name) &&
      !this.grants.get(service)?.quotaAdmin
    ) {
      throw new NotAllowedError(
        `${service} is a service and holds ${permission.name} only when inference.servicePrincipals grants it quotaAdmin`,
      );
    }
    if (!(await this.allowed(credentials, permission))) {
      throw new NotAllowedError(`You need the ${permission.name} permission`);
    }
  }

  /** True when the caller may administer the platform (quota changes, internal details such as migrations). */
  async isAdmin(credentials: BackstageCredentials): Promise<boolean> {
    const service = this.serviceSubject(credentials);
    if (service !== undefined && !this.grants.get(service)?.quotaAdmin) {
      return false;
    }
    return this.allowed(credentials, inferenceQuotaUpdatePermission);
  }

  private async allowed(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<boolean> {
    const [decision] = await this.permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** Who the caller is, as recorded on reservations and in the audit log. */
  principalRef(credentials: BackstageCredentials): string {
    const principal = credentials.principal as Principal;
    if (principal.type === 'user' && principal.userEntityRef) {
      return principal.userEntityRef;
    }
    return principal.subject ?? principal.type;
  }

  /**
   * Throws 403 unless the caller may act for `ownerRef`: a member of that group, the named requester, a holder of the
   * quota admin permission, or a service that config grants `actForAnyTeam`.
   */
  async requireActsFor(
    credentials: BackstageCredentials,
    ownerRef: string,
    action: string,
    requester?: string,
  ): Promise<void> {
    const callerRef = this.principalRef(credentials);
    if (requester && requester === callerRef) return;
    const service = this.serviceSubject(credentials);
    if (service !== undefined) {
      if (this.grants.get(service)?.actForAnyTeam) return;
      throw new NotAllowedError(
        `${service} is a service and may not ${action}: grant it actForAnyTeam in inference.servicePrincipals`,
      );
    }
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      credentials,
    );
    if (ownershipEntityRefs.includes(ownerRef)) return;
    if (await this.allowed(credentials, inferenceQuotaUpdatePermission)) return;
    throw new NotAllowedError(
      `${callerRef} is not a member of ${ownerRef} and may not ${action}`,
    );
  }

  /** The subject of a service principal; undefined for users (and anyone else). */
  private serviceSubject(
    credentials: BackstageCredentials,
  ): string | undefined {
    const principal = credentials.principal as Principal;
    return principal?.type === 'service'
      ? principal.subject ?? 'service'
      : undefined;
  }
}
