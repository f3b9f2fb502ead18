import { mockServices } from '@backstage/backend-test-utils';

/** A user-info service whose users own themselves and the groups listed for them. */
export function userInfoFromGroups(groups: Record<string, string[]>) {
  return mockServices.userInfo.mock({
    getUserInfo: async (credentials: any) => {
      const userEntityRef = credentials.principal.userEntityRef;
      return {
        userEntityRef,
        ownershipEntityRefs: [userEntityRef, ...(groups[userEntityRef] ?? [])],
      };
    },
  }).factory;
}
