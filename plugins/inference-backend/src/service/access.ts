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
import { inferenceQuotaUpdatePermission } from '@inference-platform/plugin-inference-common';

/**
 * Permission and ownership checks of the API, in one place: every route asks here instead of repeating them.
 */
export class Access {
  constructor(
    private readonly permissions: PermissionsService,
    private readonly userInfo: UserInfoService,
  ) {}

  /** Throws 403 unless the caller holds the permission. */
  async require(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<void> {
    if (!(await this.allowed(credentials, permission))) {
      throw new NotAllowedError(`You need the ${permission.name} permission`);
    }
  }

  async allowed(
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
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
      subject?: string;
    };
    if (principal.type === 'user' && principal.userEntityRef) {
      return principal.userEntityRef;
    }
    return principal.subject ?? principal.type;
  }

  /**
   * Throws 403 unless the caller may act for `ownerRef`: a service, a member of that group, the named requester, or a
   * holder of the quota admin permission.
   */
  async requireActsFor(
    credentials: BackstageCredentials,
    ownerRef: string,
    action: string,
    requester?: string,
  ): Promise<void> {
    if (
      credentials.principal &&
      (credentials.principal as any).type === 'service'
    )
      return;
    const userRef = this.principalRef(credentials);
    if (requester && requester === userRef) return;
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      credentials,
    );
    if (ownershipEntityRefs.includes(ownerRef)) return;
    if (await this.allowed(credentials, inferenceQuotaUpdatePermission)) return;
    throw new NotAllowedError(
      `${userRef} is not a member of ${ownerRef} and may not ${action}`,
    );
  }
}
