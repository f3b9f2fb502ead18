import { checkPodSecurity, podTemplatesOf } from './podSecurity';

/** A pod spec that meets "restricted": the shape the templates render. */
const restrictedSpec = () => ({
  securityContext: {
    runAsNonRoot: true,
    runAsUser: 1000,
    seccompProfile: { type: 'RuntimeDefault' as const },
  },
  containers: [
    {
      name: 'server',
      image: `x@sha256:${'a'.repeat(64)}`,
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      },
    },
  ],
  volumes: [
    { name: 'cache', persistentVolumeClaim: { claimName: 'c' } },
    { name: 'tmp', emptyDir: {} },
  ],
});

describe('checkPodSecurity', () => {
  it('passes a pod spec that meets restricted', () => {
    expect(checkPodSecurity(restrictedSpec(), 'restricted')).toEqual([]);
  });

  // the pod of the security review: hostPID, hostPath /, SYS_ADMIN — privileged: true was the only thing looked at
  it('refuses the escape pod of the security review at baseline already', () => {
    const spec = {
      hostPID: true,
      containers: [
        {
          name: 'pwn',
          securityContext: { capabilities: { add: ['SYS_ADMIN'] } },
        },
      ],
      volumes: [{ name: 'root', hostPath: { path: '/' } }],
    };
    const checks = checkPodSecurity(spec, 'baseline').map(v => v.check);
    expect(checks).toEqual(
      expect.arrayContaining([
        'hostNamespaces',
        'capabilities',
        'hostPathVolumes',
      ]),
    );
  });

  it.each([
    ['hostNetwork', (s: any) => (s.hostNetwork = true), 'hostNamespaces'],
    ['hostIPC', (s: any) => (s.hostIPC = true), 'hostNamespaces'],
    [
      'a host port',
      (s: any) =>
        (s.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]),
      'hostPorts',
    ],
    [
      'privileged',
      (s: any) => (s.containers[0].securityContext.privileged = true),
      'privileged',
    ],
    [
      'no runAsNonRoot',
      (s: any) => delete s.securityContext.runAsNonRoot,
      'runAsNonRoot',
    ],
    ['root uid', (s: any) => (s.securityContext.runAsUser = 0), 'runAsUser'],
    [
      'no seccomp profile',
      (s: any) => delete s.securityContext.seccompProfile,
      'seccompProfile',
    ],
    [
      'capabilities not dropped',
      (s: any) => (s.containers[0].securityContext.capabilities = {}),
      'capabilities',
    ],
    [
      'an added capability other than NET_BIND_SERVICE',
      (s: any) =>
        (s.containers[0].securityContext.capabilities.add = ['NET_RAW']),
      'capabilities',
    ],
    [
      'privilege escalation allowed',
      (s: any) =>
        delete s.containers[0].securityContext.allowPrivilegeEscalation,
      'allowPrivilegeEscalation',
    ],
    [
      'a hostPath volume',
      (s: any) => s.volumes.push({ name: 'h', hostPath: { path: '/var' } }),
      'hostPathVolumes',
    ],
    [
      'an nfs volume',
      (s: any) =>
        s.volumes.push({ name: 'n', nfs: { server: 'x', path: '/' } }),
      'restrictedVolumes',
    ],
    [
      'an unsafe sysctl',
      (s: any) =>
        (s.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]),
      'sysctls',
    ],
    [
      'an init container that escalates',
      (s: any) => (s.initContainers = [{ name: 'init' }]),
      'allowPrivilegeEscalation',
    ],
  ])('refuses %s at restricted', (_what, mutate, check) => {
    const spec = restrictedSpec();
    mutate(spec);
    expect(checkPodSecurity(spec, 'restricted').map(v => v.check)).toContain(
      check,
    );
  });

  it('lets NET_BIND_SERVICE be added at restricted', () => {
    const spec = restrictedSpec();
    (spec.containers[0].securityContext.capabilities as any).add = [
      'NET_BIND_SERVICE',
    ];
    expect(checkPodSecurity(spec, 'restricted')).toEqual([]);
  });

  it('names the field to fix', () => {
    const spec = restrictedSpec();
    spec.volumes.push({ name: 'h', hostPath: { path: '/' } } as any);
    expect(
      checkPodSecurity(spec, 'restricted', 'spec.template.spec')[0].path,
    ).toBe('spec.template.spec.volumes[2].hostPath');
  });
});

describe('podTemplatesOf', () => {
  it.each([
    ['Pod', { kind: 'Pod', spec: { containers: [] } }, 'spec'],
    [
      'CronJob',
      {
        kind: 'CronJob',
        spec: {
          jobTemplate: { spec: { template: { spec: { containers: [] } } } },
        },
      },
      'spec.jobTemplate.spec.template.spec',
    ],
    [
      'ReplicaSet',
      { kind: 'ReplicaSet', spec: { template: { spec: { containers: [] } } } },
      'spec.template.spec',
    ],
  ])('finds the pod spec of a %s', (_kind, object, path) => {
    expect(podTemplatesOf(object).map(t => t.path)).toEqual([path]);
  });

  it('finds nothing in kinds that make no pods', () => {
    expect(podTemplatesOf({ kind: 'Service', spec: {} })).toEqual([]);
  });
});
