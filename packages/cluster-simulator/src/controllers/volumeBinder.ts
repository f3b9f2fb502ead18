/*
 * The PersistentVolume controller's claim side (kube-controller-manager,
 * pkg/controller/volume/persistentvolume/pv_controller.go `syncUnboundClaim`,
 * `syncVolume`, `bind`, `provisionClaim`):
 *
 * - a claim with no class at all gets the default class when one exists
 *   (retroactive default StorageClass assignment, KEP-3333, GA in 1.28);
 * - a claim binds to a volume pre-bound to it (what the external provisioner
 *   creates) or to an Available volume of its class, access modes and size;
 * - otherwise: WaitForFirstConsumer classes wait until the scheduler picks a
 *   node (`volume.kubernetes.io/selected-node`), emitting WaitForFirstConsumer
 *   "waiting for first consumer to be created before binding" (or
 *   WaitForPodScheduled naming the unscheduled pods that use it); a named
 *   class goes to `provisionClaim` (ProvisioningFailed when the class does
 *   not exist; else the claim is annotated for its external provisioner and
 *   ExternalProvisioning is emitted); no class: FailedBinding "no persistent
 *   volumes available for this claim and no storage class is set";
 * - claims still unbound are synced again every 15 s (--pvclaimbinder-sync-period);
 * - a deleted claim releases its volume; Delete volumes are removed.
 */
import {
  BETA_CLASS_ANNOTATION,
  defaultStorageClassName,
} from '../admission/defaultStorageClass';
import { resourceById } from '../api/resources';
import { StoreEvent, eventObject } from '../store/eventHistory';
import { KubeObject } from '../store/storedObject';
import {
  Controller,
  ControllerContext,
  parseQuantity,
  splitKey,
} from './controller';
import { csiDriverName } from './csiDrivers';
import { involvedOf } from './eventRecorder';

const PVCS = resourceById('core/persistentvolumeclaims');
const PVS = resourceById('core/persistentvolumes');
const PODS = resourceById('core/pods');
const STORAGE_CLASSES = resourceById('storage.k8s.io/storageclasses');
type Obj = Record<string, any>;

/** set on a claim by the scheduler once it picked a node for a WaitForFirstConsumer claim */
export const SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** set on a claim by the PV controller: which external provisioner must act */
export const STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
const STORAGE_PROVISIONER_BETA =
  'volume.beta.kubernetes.io/storage-provisioner';
/** --pvclaimbinder-sync-period default */
const RESYNC_MS = 15_000;

/** The class a claim asks for: the beta annotation wins over the field (storagehelpers.GetPersistentVolumeClaimClass). */
export function claimClass(pvc: Obj): string | undefined {
  const ann = pvc.metadata?.annotations?.[BETA_CLASS_ANNOTATION];
  if (ann !== undefined) return ann;
  const c = pvc.spec?.storageClassName;
  return c === undefined || c === null ? undefined : c;
}

/** Whether a claim is bound to a volume. */
export function isClaimBound(pvc: Obj | undefined): boolean {
  return !!pvc && pvc.status?.phase === 'Bound' && !!pvc.spec?.volumeName;
}

/** Binds claims to volumes and hands unbound claims to provisioning. */
export class VolumeBinder extends Controller {
  private readonly resyncArmed = new Set<string>();

  constructor(ctx: ControllerContext) {
    super(ctx, 'persistentvolume-controller');
    this.watch(PVCS, e => this.onClaim(e));
    this.watch(PVS, e => {
      const ref = (eventObject(e) as Obj).spec?.claimRef;
      return ref ? `${ref.namespace}/${ref.name}` : undefined;
    });
    // a class created (or made default) later can unblock waiting claims
    this.watch(STORAGE_CLASSES, () => this.pendingClaimKeys());
  }

  private onClaim(e: StoreEvent): string | undefined {
    if (e.type !== 'DELETED') return e.object.key;
    this.releaseVolumeOf(eventObject(e) as Obj);
    return undefined;
  }

  private pendingClaimKeys(): string[] {
    const keys: string[] = [];
    for (const s of this.ctx.store.table(PVCS).values()) {
      const pvc = JSON.parse(s.json) as Obj;
      if (!isClaimBound(pvc)) keys.push(s.key);
    }
    return keys;
  }

  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const pvc = this.ctx.store.getObject(PVCS, namespace, name) as
      | Obj
      | undefined;
    if (!pvc || pvc.metadata.deletionTimestamp || isClaimBound(pvc)) return;
    let className = claimClass(pvc);
    if (className === undefined) {
      const def = defaultStorageClassName(this.ctx.store);
      if (def) {
        // retroactive default class assignment; the write brings the claim back here
        this.ctx.api.mutate(PVCS, namespace, name, o => {
          (o as Obj).spec.storageClassName = def;
        });
        return;
      }
      className = '';
    }
    const sc = className
      ? (this.ctx.store.getObject(STORAGE_CLASSES, undefined, className) as
          | Obj
          | undefined)
      : undefined;
    const delayBinding = sc?.volumeBindingMode === 'WaitForFirstConsumer';
    const pv = this.findVolumeFor(pvc, className, delayBinding);
    if (pv) {
      this.bind(pv, pvc);
      return;
    }
    const selected = pvc.metadata.annotations?.[SELECTED_NODE];
    if (delayBinding && !selected) this.waitForFirstConsumer(pvc);
    else if (className) this.provisionClaim(pvc, className, sc);
    else
      this.record(
        pvc,
        'Normal',
        'FailedBinding',
        'no persistent volumes available for this claim and no storage class is set',
      );
    this.resyncLater(key);
  }

  /** findBestMatchForClaim: a volume pre-bound to the claim, else the smallest Available match (not for delayed binding: the scheduler picks those) */
  private findVolumeFor(
    pvc: Obj,
    className: string,
    delayBinding: boolean,
  ): Obj | undefined {
    const want = parseQuantity(pvc.spec?.resources?.requests?.storage ?? 0);
    const modes = (pvc.spec?.accessModes as string[]) ?? [];
    let best: Obj | undefined;
    for (const s of this.ctx.store.table(PVS).values('')) {
      const pv = JSON.parse(s.json) as Obj;
      const ref = pv.spec?.claimRef;
      if (ref) {
        const mine =
          ref.namespace === pvc.metadata.namespace &&
          ref.name === pvc.metadata.name &&
          (!ref.uid || ref.uid === pvc.metadata.uid);
        if (mine) return pv;
        continue;
      }
      if (delayBinding || pv.status?.phase !== 'Available') continue;
      if ((pv.spec?.storageClassName ?? '') !== className) continue;
      if (
        (pv.spec?.volumeMode ?? 'Filesystem') !==
        (pvc.spec?.volumeMode ?? 'Filesystem')
      )
        continue;
      const pvModes = (pv.spec?.accessModes as string[]) ?? [];
      if (!modes.every(m => pvModes.includes(m))) continue;
      const size = parseQuantity(pv.spec?.capacity?.storage ?? 0);
      if (size < want) continue;
      if (!best || size < parseQuantity(best.spec?.capacity?.storage ?? 0))
        best = pv;
    }
    return best;
  }

  /** emitEventForUnboundDelayBindingClaim */
  private waitForFirstConsumer(pvc: Obj): void {
    const waiting: string[] = [];
    for (const s of this.ctx.store.table(PODS).values(pvc.metadata.namespace)) {
      const pod = JSON.parse(s.json) as Obj;
      if (pod.spec?.nodeName) continue;
      const uses = ((pod.spec?.volumes as Obj[]) ?? []).some(
        v =>
          v.persistentVolumeClaim?.claimName === pvc.metadata.name ||
          (v.ephemeral &&
            `${pod.metadata.name}-${v.name}` === pvc.metadata.name),
      );
      if (uses) waiting.push(pod.metadata.name);
    }
    if (waiting.length === 0)
      this.record(
        pvc,
        'Normal',
        'WaitForFirstConsumer',
        'waiting for first consumer to be created before binding',
      );
    else
      this.record(
        pvc,
        'Normal',
        'WaitForPodScheduled',
        waiting.length > 1
          ? `waiting for pods ${waiting.join(',')} to be scheduled`
          : `waiting for pod ${waiting[0]} to be scheduled`,
      );
  }

  /** provisionClaim → provisionClaimOperation: the class must exist; then an external provisioner is asked for a volume */
  private provisionClaim(
    pvc: Obj,
    className: string,
    sc: Obj | undefined,
  ): void {
    if (!sc) {
      this.record(
        pvc,
        'Warning',
        'ProvisioningFailed',
        `storageclass.storage.k8s.io "${className}" not found`,
      );
      return;
    }
    const provisioner = csiDriverName(sc.provisioner);
    if (pvc.metadata.annotations?.[STORAGE_PROVISIONER] !== provisioner) {
      this.ctx.api.mutate(
        PVCS,
        pvc.metadata.namespace,
        pvc.metadata.name,
        o => {
          o.metadata!.annotations = {
            ...(o.metadata!.annotations ?? {}),
            [STORAGE_PROVISIONER]: provisioner,
            [STORAGE_PROVISIONER_BETA]: provisioner,
          };
        },
      );
    }
    this.record(
      pvc,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
  }

  /** bind: claimRef on the volume, volumeName and Bound on the claim */
  private bind(pv: Obj, pvc: Obj): void {
    const ns = pvc.metadata.namespace;
    const name = pvc.metadata.name;
    this.ctx.api.mutate(PVS, undefined, pv.metadata.name, o => {
      const v = o as Obj;
      if (!v.spec.claimRef) {
        v.metadata.annotations = {
          ...(v.metadata.annotations ?? {}),
          'pv.kubernetes.io/bound-by-controller': 'yes',
        };
      }
      v.spec.claimRef = {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        name,
        namespace: ns,
        uid: pvc.metadata.uid,
        resourceVersion: pvc.metadata.resourceVersion,
      };
      v.status = { ...(v.status ?? {}), phase: 'Bound' };
    });
    this.ctx.api.mutate(PVCS, ns, name, o => {
      const c = o as Obj;
      c.spec.volumeName = pv.metadata.name;
      c.metadata.annotations = {
        ...(c.metadata.annotations ?? {}),
        'pv.kubernetes.io/bind-completed': 'yes',
        'pv.kubernetes.io/bound-by-controller': 'yes',
      };
      c.status = {
        ...(c.status ?? {}),
        phase: 'Bound',
        accessModes: pv.spec?.accessModes ?? [],
        capacity: pv.spec?.capacity ?? {},
      };
    });
  }

  /** syncVolume for a volume whose claim is gone: Released, then reclaimed (Delete removes it) */
  private releaseVolumeOf(pvc: Obj): void {
    const name = pvc.spec?.volumeName;
    if (!name) return;
    const pv = this.ctx.store.getObject(PVS, undefined, name) as
      | Obj
      | undefined;
    if (!pv || pv.spec?.claimRef?.uid !== pvc.metadata?.uid) return;
    if (pv.spec?.persistentVolumeReclaimPolicy === 'Delete') {
      // the provisioner deletes the disk, then the volume object
      this.ctx.api.mutate(PVS, undefined, name, o => {
        o.metadata!.finalizers = [];
      });
      if (this.ctx.store.get(PVS, undefined, name))
        this.ctx.store.remove(PVS, undefined, name);
      return;
    }
    this.ctx.api.mutate(PVS, undefined, name, o => {
      (o as Obj).status = { ...((o as Obj).status ?? {}), phase: 'Released' };
    });
  }

  private resyncLater(key: string): void {
    if (this.resyncArmed.has(key)) return;
    this.resyncArmed.add(key);
    this.ctx.clock.setTimer(RESYNC_MS, () => {
      this.resyncArmed.delete(key);
      this.enqueue(key);
    });
  }

  private record(
    pvc: Obj,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): void {
    this.ctx.events.record(
      involvedOf(pvc as KubeObject),
      type,
      reason,
      message,
      {
        component: 'persistentvolume-controller',
      },
    );
  }
}
