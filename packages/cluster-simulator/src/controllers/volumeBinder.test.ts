/*
 * PersistentVolumeClaims on the simulated EKS cluster behave as on a real
 * one: gp2 (EBS, WaitForFirstConsumer, not default from 1.30) refuses
 * ReadWriteMany, efs-sc serves it, a claim without a class waits for one,
 * WaitForFirstConsumer claims bind once their pod is scheduled, and generic
 * ephemeral volumes live and die with their pod.
 */
import { deleteObject } from '../api/deletion';
import { resourceById } from '../api/resources';
import { SimulatorHandle, startSimulator } from '../startSimulator';

type Obj = Record<string, any>;

const PVCS = resourceById('core/persistentvolumeclaims');
const PVS = resourceById('core/persistentvolumes');
const PODS = resourceById('core/pods');
const NS = 'ml';

function claim(name: string, spec: Obj): Obj {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: { resources: { requests: { storage: '100Gi' } }, ...spec },
  };
}

function pod(name: string, volumes: Obj[]): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'python:3.12-slim',
          volumeMounts: volumes.map(v => ({
            name: v.name,
            mountPath: '/data',
          })),
        },
      ],
      volumes,
    },
  };
}

describe('volume binding and provisioning', () => {
  let sim: SimulatorHandle;
  const cluster = (name = 'c1') => sim.cluster(name);
  const create = (obj: Obj, c = 'c1') =>
    cluster(c).api.create(
      resourceById(
        obj.kind === 'Pod' ? 'core/pods' : 'core/persistentvolumeclaims',
      ),
      NS,
      obj,
    );
  const get = (r: typeof PVCS, name: string, c = 'c1'): Obj | undefined =>
    cluster(c).store.getObject(r, r.namespaced ? NS : undefined, name) as
      | Obj
      | undefined;
  const eventsOf = (name: string, c = 'c1'): Obj[] =>
    Array.from(
      cluster(c).store.table(resourceById('core/events')).values(NS),
      s => JSON.parse(s.json),
    ).filter(e => e.involvedObject.name === name);

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: {
        name: 'storage',
        clusters: [
          {
            name: 'c1',
            systemWorkloads: false,
            dcgmExporter: false,
            storage: { efs: true },
            namespaces: [{ name: NS }],
          },
          {
            name: 'old',
            kubernetesVersion: 'v1.29.10',
            systemWorkloads: false,
            dcgmExporter: false,
            namespaces: [{ name: NS }],
          },
        ],
      },
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 1) },
      controlPort: false,
    });
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('serves the StorageClasses of a new EKS cluster: gp2, not default from 1.30', () => {
    const classes = (c: string) =>
      Array.from(
        cluster(c)
          .store.table(resourceById('storage.k8s.io/storageclasses'))
          .values(''),
        s => JSON.parse(s.json),
      );
    const summary = (c: string) =>
      classes(c).map(sc => [
        sc.metadata.name,
        sc.provisioner,
        sc.volumeBindingMode,
        sc.metadata.annotations ?? {},
      ]);
    expect(summary('c1')).toEqual([
      ['efs-sc', 'efs.csi.aws.com', 'Immediate', {}],
      ['gp2', 'kubernetes.io/aws-ebs', 'WaitForFirstConsumer', {}],
    ]);
    expect(classes('old')[0].metadata.annotations).toEqual({
      'storageclass.kubernetes.io/is-default-class': 'true',
    });
  });

  it('leaves a ReadWriteMany claim on gp2 Pending with the EBS CSI error, and its pod Pending', async () => {
    create(
      claim('rwx-gp2', {
        accessModes: ['ReadWriteMany'],
        storageClassName: 'gp2',
      }),
    );
    create(
      pod('uses-rwx-gp2', [
        { name: 'cache', persistentVolumeClaim: { claimName: 'rwx-gp2' } },
      ]),
    );
    await sim.advance(120_000);
    const pvc = get(PVCS, 'rwx-gp2')!;
    expect(pvc.status.phase).toBe('Pending');
    expect(
      pvc.metadata.annotations['volume.kubernetes.io/selected-node'],
    ).toBeTruthy();
    expect(eventsOf('rwx-gp2')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'Warning',
          reason: 'ProvisioningFailed',
          message:
            'failed to provision volume with StorageClass "gp2": rpc error: code = InvalidArgument desc = Volume capabilities not supported',
        }),
      ]),
    );
    expect(get(PODS, 'uses-rwx-gp2')!.spec.nodeName).toBeUndefined();
    await sim.advance(600_000);
    const p = get(PODS, 'uses-rwx-gp2')!;
    expect(p.spec.nodeName).toBeUndefined();
    expect(p.status.conditions).toEqual([
      expect.objectContaining({
        type: 'PodScheduled',
        status: 'False',
        message:
          'running PreBind plugin "VolumeBinding": binding volumes: timed out waiting for the condition',
      }),
    ]);
  });

  it('binds a ReadWriteMany claim on efs-sc, and its pod runs', async () => {
    create(
      claim('rwx-efs', {
        accessModes: ['ReadWriteMany'],
        storageClassName: 'efs-sc',
      }),
    );
    await sim.advance(10_000);
    const pvc = get(PVCS, 'rwx-efs')!;
    expect(pvc.status).toMatchObject({
      phase: 'Bound',
      accessModes: ['ReadWriteMany'],
    });
    const pv = get(PVS, pvc.spec.volumeName)!;
    expect(pv.spec.csi.driver).toBe('efs.csi.aws.com');
    expect(pv.status.phase).toBe('Bound');
    create(
      pod('uses-rwx-efs', [
        { name: 'cache', persistentVolumeClaim: { claimName: 'rwx-efs' } },
      ]),
    );
    await sim.advance(5_000);
    expect(get(PODS, 'uses-rwx-efs')!.spec.nodeName).toBeTruthy();
  });

  it('leaves a claim without a class Pending when the cluster has no default class', async () => {
    create(claim('no-class', { accessModes: ['ReadWriteOnce'] }));
    create(
      pod('uses-no-class', [
        { name: 'cache', persistentVolumeClaim: { claimName: 'no-class' } },
      ]),
    );
    await sim.advance(30_000);
    const pvc = get(PVCS, 'no-class')!;
    expect(pvc.status.phase).toBe('Pending');
    expect(pvc.spec.storageClassName).toBeUndefined();
    expect(eventsOf('no-class')).toEqual([
      expect.objectContaining({
        type: 'Normal',
        reason: 'FailedBinding',
        message:
          'no persistent volumes available for this claim and no storage class is set',
      }),
    ]);
    expect(get(PODS, 'uses-no-class')!.status.conditions[0].message).toBe(
      '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
  });

  it('gives a claim without a class the default class where one exists (EKS before 1.30)', async () => {
    create(claim('defaulted', { accessModes: ['ReadWriteOnce'] }), 'old');
    expect(get(PVCS, 'defaulted', 'old')!.spec.storageClassName).toBe('gp2');
  });

  it('reports a class that does not exist', async () => {
    create(
      claim('typo', {
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'gp3',
      }),
    );
    await sim.advance(5_000);
    expect(get(PVCS, 'typo')!.status.phase).toBe('Pending');
    expect(eventsOf('typo')).toEqual([
      expect.objectContaining({
        type: 'Warning',
        reason: 'ProvisioningFailed',
        message: 'storageclass.storage.k8s.io "gp3" not found',
      }),
    ]);
  });

  it("binds a WaitForFirstConsumer claim only once its pod is scheduled, in the node's zone", async () => {
    create(
      claim('wffc', {
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'gp2',
      }),
    );
    await sim.advance(60_000);
    expect(get(PVCS, 'wffc')!.status.phase).toBe('Pending');
    expect(eventsOf('wffc')).toEqual([
      expect.objectContaining({
        reason: 'WaitForFirstConsumer',
        message: 'waiting for first consumer to be created before binding',
      }),
    ]);
    create(
      pod('uses-wffc', [
        { name: 'cache', persistentVolumeClaim: { claimName: 'wffc' } },
      ]),
    );
    await sim.advance(10_000);
    const pvc = get(PVCS, 'wffc')!;
    const p = get(PODS, 'uses-wffc')!;
    expect(pvc.status.phase).toBe('Bound');
    expect(p.spec.nodeName).toBe(
      pvc.metadata.annotations['volume.kubernetes.io/selected-node'],
    );
    const node = cluster().store.getObject(
      resourceById('core/nodes'),
      undefined,
      p.spec.nodeName,
    ) as Obj;
    const pv = get(PVS, pvc.spec.volumeName)!;
    expect(pv.spec.csi.driver).toBe('ebs.csi.aws.com');
    expect(
      pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0],
    ).toEqual({
      key: 'topology.kubernetes.io/zone',
      operator: 'In',
      values: [node.metadata.labels['topology.kubernetes.io/zone']],
    });
  });

  it('creates, binds and deletes a generic ephemeral volume with its pod', async () => {
    create(
      pod('eph', [
        {
          name: 'scratch',
          ephemeral: {
            volumeClaimTemplate: {
              metadata: { labels: { app: 'eph' } },
              spec: {
                accessModes: ['ReadWriteOnce'],
                storageClassName: 'gp2',
                resources: { requests: { storage: '50Gi' } },
              },
            },
          },
        },
      ]),
    );
    await sim.advance(10_000);
    const p = get(PODS, 'eph')!;
    const pvc = get(PVCS, 'eph-scratch')!;
    expect(pvc.metadata.labels).toEqual({ app: 'eph' });
    expect(pvc.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Pod',
        name: 'eph',
        uid: p.metadata.uid,
        controller: true,
      }),
    ]);
    expect(pvc.status.phase).toBe('Bound');
    expect(p.spec.nodeName).toBeTruthy();
    const volume = pvc.spec.volumeName;
    deleteObject(
      cluster().api,
      PODS,
      NS,
      'eph',
      { gracePeriodSeconds: 0 },
      uid => cluster().dependents(uid),
    );
    await sim.advance(60_000);
    expect(get(PODS, 'eph')).toBeUndefined();
    expect(get(PVCS, 'eph-scratch')).toBeUndefined();
    expect(get(PVS, volume)).toBeUndefined();
  });
});
