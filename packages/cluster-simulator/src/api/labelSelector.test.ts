import { compileLabelSelector, parseLabelSelector } from './labelSelector';
import { parseFieldSelector } from './fieldSelector';
import { resourceById } from './resources';

const labels = {
  app: 'chat',
  tier: 'gpu',
  'inference-platform.io/owner': 'ml-chat',
};

describe('label selectors', () => {
  it.each([
    ['app=chat', true],
    ['app==chat', true],
    ['app!=chat', false],
    ['app in (chat,search)', true],
    ['app notin (chat,search)', false],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['app=chat,tier=cpu', false],
    ['inference-platform.io/owner=ml-chat, tier in (gpu)', true],
    ['', true],
  ])('%s matches: %s', (text, expected) => {
    expect(parseLabelSelector(text).matches(labels)).toBe(expected);
  });

  it.each(['app in chat', 'app=chat,', '=x'])('rejects %s with 400', text => {
    expect(() => parseLabelSelector(text)).toThrow(
      expect.objectContaining({ code: 400 }),
    );
  });

  it('compiles matchLabels and matchExpressions; a nil selector matches nothing', () => {
    const sel = compileLabelSelector({
      matchLabels: { app: 'chat' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['gpu'] }],
    });
    expect(sel.matches(labels)).toBe(true);
    expect(sel.toString()).toBe('app=chat,tier=gpu');
    expect(compileLabelSelector(undefined).matches(labels)).toBe(false);
    expect(compileLabelSelector({}).matches(labels)).toBe(true);
  });
});

describe('field selectors', () => {
  const pods = resourceById('core/pods');
  const pod = {
    name: 'p1',
    namespace: 'ml-chat',
    fields: { 'spec.nodeName': 'n1', 'status.phase': 'Running' },
  };

  it.each([
    ['metadata.name=p1', true],
    ['metadata.namespace!=ml-chat', false],
    ['spec.nodeName=n1,status.phase=Running', true],
    ['status.phase==Pending', false],
  ])('%s matches: %s', (text, expected) => {
    expect(parseFieldSelector(text, pods).matches(pod)).toBe(expected);
  });

  it('rejects fields the type does not support, like the API server', () => {
    expect(() =>
      parseFieldSelector('spec.replicas=1', resourceById('apps/deployments')),
    ).toThrow('field label not supported: spec.replicas');
  });
});
