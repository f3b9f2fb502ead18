import {
  actsFor,
  mergePlacements,
  placementFromGroupAnnotations,
  placementRefusal,
  toGroupEntityRef,
} from './tenancy';

const PLATFORM = 'group:default/platform-team';

describe('tenancy', () => {
  it('normalises owner names to group refs', () => {
    expect(toGroupEntityRef('ml-chat')).toBe('group:default/ml-chat');
    expect(toGroupEntityRef('Group:Default/ML-Chat')).toBe(
      'group:default/ml-chat',
    );
    expect(toGroupEntityRef('teams/ml-chat')).toBe('group:teams/ml-chat');
  });

  it.each([
    ['a member', ['user:default/chen', 'group:default/ml-chat'], true],
    ['a platform team member', ['user:default/ana', PLATFORM], true],
    [
      'a member of another team',
      ['user:default/eli', 'group:default/ml-search'],
      false,
    ],
    ['a user who only names the team', ['user:default/ml-chat'], false],
  ])('lets %s act for ml-chat: %s', (_who, ownership, expected) => {
    expect(
      actsFor(
        { userEntityRef: ownership[0], ownershipEntityRefs: ownership },
        'ml-chat',
        PLATFORM,
      ),
    ).toBe(expected);
  });

  it('joins config and Group annotations', () => {
    const fromConfig = {
      ownerRef: 'group:default/ml-chat',
      namespaces: ['ml-chat'],
      clusters: ['gpu-us-east'],
    };
    const fromGroup = placementFromGroupAnnotations('ml-chat', {
      'inference-platform.io/namespaces': 'ml-chat-dev, ml-chat',
      'inference-platform.io/clusters': 'gpu-eu-west',
    });
    expect(mergePlacements('ml-chat', [fromConfig, fromGroup])).toEqual({
      ownerRef: 'group:default/ml-chat',
      namespaces: ['ml-chat', 'ml-chat-dev'],
      clusters: ['gpu-eu-west', 'gpu-us-east'],
    });
  });

  it('grants nothing to a team without a grant', () => {
    const placement = mergePlacements('ml-new', [undefined]);
    expect(placementRefusal(placement, { cluster: 'gpu-us-east' })).toMatch(
      /may not deploy to cluster gpu-us-east/,
    );
  });

  it('refuses another team namespace, naming the allowed ones', () => {
    const placement = mergePlacements('ml-search', [
      { ownerRef: 'group:default/ml-search', namespaces: ['ml-search'] },
    ]);
    expect(
      placementRefusal(placement, {
        cluster: 'gpu-us-east',
        namespace: 'ml-chat',
      }),
    ).toMatch(/may not deploy to namespace ml-chat \(allowed: ml-search/);
    expect(
      placementRefusal(placement, {
        cluster: 'gpu-us-east',
        namespace: 'ml-search',
      }),
    ).toBeUndefined();
  });
});
