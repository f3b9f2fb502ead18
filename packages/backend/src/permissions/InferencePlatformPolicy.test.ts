import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  inferenceQuotaUpdatePermission,
  inferenceWorkloadReadPermission,
} from '@inference-platform/plugin-inference-common';
import { InferencePlatformPolicy } from './InferencePlatformPolicy';

function userOf(...ownershipEntityRefs: string[]) {
  return {
    token: 'token',
    identity: {
      type: 'user' as const,
      userEntityRef: 'user:default/someone',
      ownershipEntityRefs,
    },
  };
}

describe('InferencePlatformPolicy', () => {
  const policy = new InferencePlatformPolicy('group:default/platform-team');

  it.each([
    [
      'a platform team member',
      AuthorizeResult.ALLOW,
      userOf('user:default/ana', 'group:default/platform-team'),
    ],
    [
      'a member of another team',
      AuthorizeResult.DENY,
      userOf('user:default/bo', 'group:default/ml-chat'),
    ],
    ['an anonymous caller', AuthorizeResult.DENY, undefined],
  ])(
    'answers %s asking to change GPU quotas with %s',
    async (_who, expected, user) => {
      const decision = await policy.handle(
        { permission: inferenceQuotaUpdatePermission },
        user,
      );
      expect(decision.result).toBe(expected);
    },
  );

  it.each([inferenceWorkloadReadPermission, catalogEntityReadPermission])(
    'lets anyone read ($name)',
    async permission => {
      const decision = await policy.handle(
        { permission },
        userOf('user:default/bo', 'group:default/ml-chat'),
      );
      expect(decision.result).toBe(AuthorizeResult.ALLOW);
    },
  );
});
