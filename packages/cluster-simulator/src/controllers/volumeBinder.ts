/*
 * Dynamic provisioning of PersistentVolumeClaims: a claim is Bound to a new
 * volume a few seconds after it is created, as with the EBS CSI driver.
 */
import { resourceById } from '../api/resources';
import { KubeObject } from '../store/storedObject';
import { Controller, ControllerContext, splitKey } from './controller';
import { involvedOf } from './eventRecorder';

const PVCS = resourceById('core/persistentvolumeclaims');
const PVS = resourceById('core/persistentvolumes');
type Obj = Record<string, any>;

/** Binds claims to freshly provisioned volumes. */
export class VolumeBinder extends Controller {
  constructor(ctx: ControllerContext) {
    super(ctx, 'persistentvolume-controller');
    this.watch(PVCS, e => (e.type === 'ADDED' ? e.object.key : undefined));
  }

  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const pvc = this.ctx.store.getObject(PVCS, namespace, name) as
      | Obj
      | undefined;
    if (!pvc || pvc.status?.phase === 'Bound') return;
    this.ctx.events.record(
      involvedOf(pvc as KubeObject),
      'Normal',
      'Provisioning',
      `External provisioner is provisioning volume for claim "${key}"`,
      { component: 'ebs.csi.aws.com' },
    );
    this.ctx.clock.setTimer(3000, () => {
      const current = this.ctx.store.getObject(PVCS, namespace, name) as
        | Obj
        | undefined;
      if (!current) return;
      const volume = `pvc-${current.metadata.uid}`;
      const storage = current.spec?.resources?.requests?.storage ?? '10Gi';
      const pv: KubeObject = {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: {
          name: volume,
          annotations: { 'pv.kubernetes.io/provisioned-by': 'ebs.csi.aws.com' },
          finalizers: ['kubernetes.io/pv-protection'],
        },
        spec: {
          accessModes: current.spec?.accessModes ?? ['ReadWriteOnce'],
          capacity: { storage },
          claimRef: {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            name,
            namespace,
            uid: current.metadata.uid,
          },
          persistentVolumeReclaimPolicy: 'Delete',
          storageClassName: current.spec?.storageClassName ?? 'gp3',
          volumeMode: 'Filesystem',
          csi: {
            driver: 'ebs.csi.aws.com',
            volumeHandle: `vol-0${this.ctx.rng.hex(16)}`,
            fsType: 'ext4',
          },
        },
        status: { phase: 'Bound' },
      };
      this.ctx.api.create(PVS, undefined, pv, { internal: true });
      this.ctx.api.mutate(PVCS, namespace, name, o => {
        const c = o as Obj;
        c.spec.volumeName = volume;
        c.spec.storageClassName = c.spec.storageClassName ?? 'gp3';
        c.metadata.annotations = {
          ...(c.metadata.annotations ?? {}),
          'pv.kubernetes.io/bind-completed': 'yes',
          'pv.kubernetes.io/bound-by-controller': 'yes',
        };
        c.status = {
          phase: 'Bound',
          accessModes: pv.spec ? (pv.spec as Obj).accessModes : [],
          capacity: { storage },
        };
      });
      this.ctx.events.record(
        involvedOf(current as KubeObject),
        'Normal',
        'ProvisioningSucceeded',
        `Successfully provisioned volume ${volume}`,
        { component: 'ebs.csi.aws.com' },
      );
    });
  }
}
