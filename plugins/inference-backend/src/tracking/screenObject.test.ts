import { TRACKED_RESOURCES } from './resources';
import { screenObject, skippedOf } from './screenObject';

const resource = (id: string) => TRACKED_RESOURCES.find(r => r.id === id)!;

describe('screenObject', () => {
  it.each([
    [
      'a Deployment whose GPU limit is an object',
      'deployments',
      {
        metadata: { name: 'd', namespace: 'ml' },
        spec: {
          template: {
            spec: {
              containers: [
                { name: 'c', resources: { limits: { 'nvidia.com/gpu': {} } } },
              ],
            },
          },
        },
      },
      'spec.template.spec.containers[0].resources.limits.nvidia.com/gpu: expected a quantity, got an object',
    ],
    [
      'a ScaledObject whose triggers are a word',
      'scaledobjects',
      { metadata: { name: 's', namespace: 'ml' }, spec: { triggers: 'cpu' } },
      'spec.triggers: expected a list, got "cpu"',
    ],
    [
      'a LeaderWorkerSet whose group size is a word',
      'leaderworkersets',
      {
        metadata: { name: 'l', namespace: 'ml' },
        spec: { leaderWorkerTemplate: { size: 'two' } },
      },
      'spec.leaderWorkerTemplate.size: expected a whole number, got "two"',
    ],
    [
      'a pod without a namespace',
      'pods',
      { metadata: { name: 'p' } },
      'metadata.namespace: required',
    ],
    [
      'a node whose labels are a list',
      'nodes',
      { metadata: { name: 'n', labels: ['gpu'] } },
      'metadata.labels: expected an object, got a list',
    ],
    ['a value that is not an object', 'pods', 42, 'expected an object, got 42'],
  ])('skips %s, naming the field', (_, id, raw, reason) => {
    const screened = screenObject(resource(id), raw);
    expect(skippedOf(screened)).toEqual({
      kind: resource(id).kind,
      namespace: (raw as any)?.metadata?.namespace,
      name: (raw as any)?.metadata?.name ?? '(unnamed)',
      reason,
    });
  });

  // API servers write null for unset optional fields: the demo's warning events all carry eventTime: null
  it('keeps objects whose unset fields are null', () => {
    const event = screenObject(resource('events'), {
      metadata: { name: 'e', namespace: 'ml', creationTimestamp: null },
      type: 'Warning',
      reason: 'BackOff',
      eventTime: null,
      series: null,
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'ml' },
    });
    expect(skippedOf(event)).toBeUndefined();
    expect(event).toMatchObject({ reason: 'BackOff' });
  });

  it('keeps numbers in the quantities of custom resources and drops events that are not warnings', () => {
    const lws = screenObject(resource('leaderworkersets'), {
      metadata: { name: 'l', namespace: 'ml' },
      spec: {
        leaderWorkerTemplate: {
          size: 2,
          workerTemplate: {
            spec: {
              containers: [
                { name: 'c', resources: { limits: { 'nvidia.com/gpu': 1 } } },
              ],
            },
          },
        },
      },
    });
    expect(skippedOf(lws)).toBeUndefined();
    expect(
      screenObject(resource('events'), {
        metadata: { name: 'e', namespace: 'ml' },
        type: 'Normal',
      }),
    ).toBeUndefined();
  });
});
