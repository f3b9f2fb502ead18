import { checkPlatformPolicy } from './platformPolicy';

const at = { file: 'kubernetes/x.yaml', document: 0 };

/** The escape pod of the security review: host PID, the host's root mounted, SYS_ADMIN. */
const escapePodSpec = {
  hostPID: true,
  containers: [
    {
      name: 'pwn',
      image: `docker.io/library/busybox@sha256:${'a'.repeat(64)}`,
      securityContext: { capabilities: { add: ['SYS_ADMIN'] } },
      volumeMounts: [{ name: 'root', mountPath: '/host' }],
    },
  ],
  volumes: [{ name: 'root', hostPath: { path: '/' } }],
};

describe('checkPlatformPolicy', () => {
  // finding 2: bare Pods, CronJobs and ReplicaSets were never policy-checked; only privileged: true was looked at
  it.each([
    [
      'a bare Pod',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'pwn', namespace: 'kube-system' },
        spec: escapePodSpec,
      },
      'spec',
    ],
    [
      'a CronJob',
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'pwn' },
        spec: {
          schedule: '* * * * *',
          jobTemplate: { spec: { template: { spec: escapePodSpec } } },
        },
      },
      'spec.jobTemplate.spec.template.spec',
    ],
    [
      'a ReplicaSet',
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'pwn' },
        spec: { template: { spec: escapePodSpec } },
      },
      'spec.template.spec',
    ],
  ])('reports the host escape in %s', (_what, doc, base) => {
    const paths = checkPlatformPolicy(doc, at)
      .filter(v => v.rule === 'pod-security')
      .map(v => v.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        `${base}.hostPID`,
        `${base}.volumes[0].hostPath`,
        `${base}.containers[0].securityContext.capabilities.add`,
      ]),
    );
  });
});
