import { applyJsonPatch, applyMergePatch, strategicMerge } from './patches';

const deployment = {
  spec: {
    replicas: 1,
    template: {
      spec: {
        containers: [
          {
            name: 'vllm',
            image: 'vllm:1',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
          },
          { name: 'sidecar', image: 'proxy:1' },
        ],
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
      },
    },
  },
};

describe('patches', () => {
  it('JSON merge patch replaces lists and deletes with null', () => {
    const out = applyMergePatch(deployment, {
      spec: {
        replicas: 3,
        template: {
          spec: { containers: [{ name: 'only' }], tolerations: null },
        },
      },
    }) as any;
    expect(out.spec.replicas).toBe(3);
    expect(out.spec.template.spec.containers).toEqual([{ name: 'only' }]);
    expect(out.spec.template.spec.tolerations).toBeUndefined();
  });

  it('strategic merge merges containers and env by name and honours $patch: delete', () => {
    const out = strategicMerge(deployment, {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'vllm',
                image: 'vllm:2',
                env: [
                  { name: 'B', value: '3' },
                  { name: 'C', value: '4' },
                ],
              },
              { name: 'sidecar', $patch: 'delete' },
            ],
          },
        },
      },
    }) as any;
    expect(out.spec.template.spec.containers).toEqual([
      {
        name: 'vllm',
        image: 'vllm:2',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '3' },
          { name: 'C', value: '4' },
        ],
      },
    ]);
    expect(out.spec.template.spec.tolerations).toEqual(
      deployment.spec.template.spec.tolerations,
    );
  });

  it('strategic merge replaces lists without a merge key (tolerations)', () => {
    const out = strategicMerge(deployment, {
      spec: {
        template: { spec: { tolerations: [{ key: 'x', operator: 'Exists' }] } },
      },
    }) as any;
    expect(out.spec.template.spec.tolerations).toEqual([
      { key: 'x', operator: 'Exists' },
    ]);
  });

  it('JSON patch applies add, replace, remove and test', () => {
    const out = applyJsonPatch(deployment, [
      { op: 'test', path: '/spec/replicas', value: 1 },
      { op: 'replace', path: '/spec/replicas', value: 2 },
      {
        op: 'add',
        path: '/spec/template/spec/containers/-',
        value: { name: 'new' },
      },
      { op: 'remove', path: '/spec/template/spec/tolerations' },
    ]) as any;
    expect(out.spec.replicas).toBe(2);
    expect(out.spec.template.spec.containers.map((c: any) => c.name)).toEqual([
      'vllm',
      'sidecar',
      'new',
    ]);
    expect(() =>
      applyJsonPatch(deployment, [
        { op: 'test', path: '/spec/replicas', value: 9 },
      ]),
    ).toThrow(expect.objectContaining({ code: 422 }));
  });
});
