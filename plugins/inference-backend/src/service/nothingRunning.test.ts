import { ClusterStatus } from '@inference-platform/plugin-inference-common';
import { EntityIndex } from '../workloads/entityIndex';
import { describeNothingRunning, NEW_ENTITY_MS } from './nothingRunning';

const NOW = new Date('2026-11-26T14:00:00Z');

const cluster = (
  name: string,
  state: ClusterStatus['state'] = 'synced',
): ClusterStatus => ({
  name,
  state,
  since: NOW.toISOString(),
  workloads: 0,
  gpuNodes: 1,
});

const index = new EntityIndex(
  [
    {
      entityRef: 'component:default/faq-bot',
      ownerRef: 'group:default/ml-chat',
      kubernetesId: 'faq-bot',
      namespace: 'ml-chat',
    },
    {
      entityRef: 'component:default/eu-bot',
      kubernetesId: 'eu-bot',
      clusters: ['gpu-eu'],
    },
  ],
  [{ entityRef: 'resource:default/gpu-eu', clusters: ['gpu-eu'] }],
);

function explain(
  entityRef: string,
  overrides: Partial<Parameters<typeof describeNothingRunning>[0]> = {},
) {
  return describeNothingRunning({
    entityRef,
    kind: entityRef.split(':')[0],
    index,
    clusters: [cluster('gpu-us'), cluster('gpu-eu')],
    reservationPending: false,
    now: NOW,
    ...overrides,
  });
}

describe('describeNothingRunning', () => {
  it.each([
    [
      'a linked component',
      'component:default/faq-bot',
      'Nothing is running: no workload labelled backstage.io/kubernetes-id=faq-bot in namespace ml-chat in gpu-us, gpu-eu (synced)',
    ],
    [
      'a component narrowed to one cluster',
      'component:default/eu-bot',
      'Nothing is running: no workload labelled backstage.io/kubernetes-id=eu-bot in gpu-eu (synced)',
    ],
    [
      'a component without the label annotation',
      'component:default/docs',
      'Nothing is running for component:default/docs: it has no backstage.io/kubernetes-id annotation, so no workload is linked to it',
    ],
    [
      'a team',
      'group:default/ml-vision',
      'Nothing is running: group:default/ml-vision owns no GPU workload in gpu-us, gpu-eu (synced)',
    ],
    [
      'a system',
      'system:default/search',
      'Nothing is running: no component of system:default/search runs a workload in gpu-us, gpu-eu (synced)',
    ],
    [
      'a cluster resource',
      'resource:default/gpu-eu',
      'Nothing is running: no GPU workload in gpu-eu (synced)',
    ],
  ])(
    'says nothing runs for %s, naming where it looked',
    (_what, ref, message) => {
      expect(explain(ref)).toMatchObject({ state: 'not-running', message });
    },
  );

  it('names a cluster it could not read', () => {
    expect(
      explain('component:default/faq-bot', {
        clusters: [cluster('gpu-us'), cluster('gpu-eu', 'stale')],
      }).message,
    ).toBe(
      'Nothing is running: no workload labelled backstage.io/kubernetes-id=faq-bot in namespace ml-chat in gpu-us (synced); not readable now: gpu-eu: stale',
    );
  });

  it.each([
    [
      'it appeared a minute ago',
      { newSince: new Date(NOW.getTime() - 60_000) },
    ],
    ['a GPU reservation is pending for it', { reservationPending: true }],
  ])('says a service is linking, not broken, when %s', (_why, overrides) => {
    expect(explain('component:default/faq-bot', overrides)).toEqual({
      state: 'linking',
      message:
        'Linking component:default/faq-bot: no workload labelled backstage.io/kubernetes-id=faq-bot in namespace ml-chat is running yet in gpu-us, gpu-eu; a new service shows here as soon as its workload is seen',
      clusters: ['gpu-us', 'gpu-eu'],
    });
  });

  it('stops saying linking once the entity is no longer new', () => {
    expect(
      explain('component:default/faq-bot', {
        newSince: new Date(NOW.getTime() - NEW_ENTITY_MS),
      }).state,
    ).toBe('not-running');
  });

  it('waits for the first sync of a cluster before saying nothing runs', () => {
    expect(
      explain('group:default/ml-chat', {
        clusters: [cluster('gpu-us'), cluster('gpu-eu', 'syncing')],
      }),
    ).toEqual({
      state: 'linking',
      message:
        'Waiting for the first sync of gpu-eu: its workloads show here once the cluster is read',
      clusters: ['gpu-us', 'gpu-eu'],
    });
  });

  it('says when the backend tracks no cluster at all', () => {
    expect(explain('component:default/faq-bot', { clusters: [] })).toEqual({
      state: 'not-running',
      message: 'Nothing is running: the backend tracks no cluster',
      clusters: [],
    });
  });
});
