import { KubeObject } from '../store/storedObject';
import { serverSideApply, trackUpdate } from './serverSideApply';

const base = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'ns' },
  spec: {
    replicas: 1,
    template: { spec: { containers: [{ name: 'vllm', image: 'vllm:1' }] } },
  },
} as KubeObject;

const apply = (
  live: KubeObject | undefined,
  applied: KubeObject,
  manager: string,
  force = false,
) =>
  serverSideApply({
    live,
    applied,
    manager,
    force,
    builtIn: true,
    apiVersion: 'apps/v1',
    now: '2025-01-01T00:00:00Z',
  });

describe('server-side apply', () => {
  it('records the applier as owner of the fields it set', () => {
    const out = apply(undefined, base, 'team-a');
    expect(out.metadata!.managedFields).toEqual([
      expect.objectContaining({
        manager: 'team-a',
        operation: 'Apply',
        fieldsType: 'FieldsV1',
      }),
    ]);
    expect(JSON.stringify(out.metadata!.managedFields![0].fieldsV1)).toContain(
      '"k:{\\"name\\":\\"vllm\\"}"',
    );
  });

  it('conflicts when another manager changes an owned field, unless forced', () => {
    const live = apply(undefined, base, 'team-a');
    const changed = {
      ...base,
      spec: { ...(base.spec as object), replicas: 4 },
    } as KubeObject;
    expect(() => apply(live, changed, 'team-b')).toThrow(
      /Apply failed with 1 conflict: conflict with "team-a" using apps\/v1: \.spec\.replicas/,
    );
    const forced = apply(live, changed, 'team-b', true);
    expect((forced.spec as any).replicas).toBe(4);
  });

  it('removes fields the manager no longer applies, and keeps fields others own', () => {
    const withEnv = {
      ...base,
      spec: {
        ...(base.spec as object),
        template: {
          spec: {
            containers: [
              {
                name: 'vllm',
                image: 'vllm:1',
                env: [{ name: 'A', value: '1' }],
              },
            ],
          },
        },
      },
    } as KubeObject;
    const live = apply(undefined, withEnv, 'team-a');
    const other = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', labels: { extra: 'yes' } },
    } as KubeObject;
    const live2 = apply(live, other, 'team-b');
    const out = apply(live2, base, 'team-a');
    expect((out.spec as any).template.spec.containers[0].env).toBeUndefined();
    expect(out.metadata!.labels).toEqual({ extra: 'yes' });
  });

  it('gives an updater ownership of the fields it changed', () => {
    const live = apply(undefined, base, 'team-a');
    const next = JSON.parse(JSON.stringify(live)) as KubeObject;
    (next.spec as any).replicas = 2;
    trackUpdate({
      previous: live,
      next,
      manager: 'kube-controller-manager',
      builtIn: true,
      apiVersion: 'apps/v1',
      now: '2025-01-01T00:00:00Z',
    });
    const owners = Object.fromEntries(
      next.metadata!.managedFields!.map(m => [
        m.manager,
        JSON.stringify(m.fieldsV1),
      ]),
    );
    expect(owners['kube-controller-manager']).toContain('f:replicas');
    expect(owners['team-a']).not.toContain('f:replicas');
  });
});
