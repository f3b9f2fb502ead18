import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityReadPermission,
  catalogLocationCreatePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  inferencePlatformApplyPermission,
  inferenceQuotaUpdatePermission,
  inferenceWorkloadReadPermission,
} from '@inference-platform/plugin-inference-common';
import { InferencePlatformPolicy } from './InferencePlatformPolicy';

const PLATFORM_TEAM = 'group:default/platform-team';

type Entity = Parameters<typeof permissionRules.hasLabel.apply>[0];

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

const platformMember = userOf('user:default/ana', PLATFORM_TEAM);
const chatMember = userOf('user:default/bo', 'group:default/ml-chat');

function template(name: string, labels?: Record<string, string>): Entity {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name, namespace: 'default', labels },
    spec: { type: 'service', steps: [] },
  };
}

const gpuNodePool = template('gpu-node-pool', {
  'inference-platform.io/audience': 'platform-team',
});
const vllm = template('vllm-model-service', {
  'inference-platform.io/audience': 'ml-teams',
});
const unlabelled = template('hello-world');

/** Applies a conditional decision to an entity as the catalog does, with the catalog's own rules. */
function visible(decision: PolicyDecision, entity: Entity): boolean {
  if (decision.result !== AuthorizeResult.CONDITIONAL) {
    return decision.result === AuthorizeResult.ALLOW;
  }
  const rules = Object.values(permissionRules);
  const evaluate = (
    criteria: PermissionCriteria<PermissionCondition>,
  ): boolean => {
    if ('allOf' in criteria) return criteria.allOf.every(evaluate);
    if ('anyOf' in criteria) return criteria.anyOf.some(evaluate);
    if ('not' in criteria) return !evaluate(criteria.not);
    const rule = rules.find(r => r.name === criteria.rule)!;
    return rule.apply(entity, criteria.params as any);
  };
  return evaluate(decision.conditions);
}

describe('InferencePlatformPolicy', () => {
  const policy = new InferencePlatformPolicy(PLATFORM_TEAM);

  it.each([
    [inferenceQuotaUpdatePermission.name, inferenceQuotaUpdatePermission],
    [inferencePlatformApplyPermission.name, inferencePlatformApplyPermission],
  ])('reserves %s to the platform team', async (_name, permission) => {
    const decide = async (user?: ReturnType<typeof userOf>) =>
      (await policy.handle({ permission }, user)).result;
    expect(await decide(platformMember)).toBe(AuthorizeResult.ALLOW);
    expect(await decide(chatMember)).toBe(AuthorizeResult.DENY);
    expect(await decide(undefined)).toBe(AuthorizeResult.DENY);
  });

  it.each([inferenceWorkloadReadPermission, catalogLocationCreatePermission])(
    'lets anyone hold $name (teams import their own services)',
    async permission => {
      const decision = await policy.handle({ permission }, chatMember);
      expect(decision.result).toBe(AuthorizeResult.ALLOW);
    },
  );

  it('hides platform-team templates from everyone outside the platform team, and nothing else', async () => {
    const forChat = await policy.handle(
      { permission: catalogEntityReadPermission },
      chatMember,
    );
    expect(forChat.result).toBe(AuthorizeResult.CONDITIONAL);
    expect(
      [gpuNodePool, vllm, unlabelled].map(e => visible(forChat, e)),
    ).toEqual([false, true, true]);

    const forAnonymous = await policy.handle(
      { permission: catalogEntityReadPermission },
      undefined,
    );
    expect(visible(forAnonymous, gpuNodePool)).toBe(false);

    const forPlatform = await policy.handle(
      { permission: catalogEntityReadPermission },
      platformMember,
    );
    expect(forPlatform.result).toBe(AuthorizeResult.ALLOW);
  });
});
