/*
 * The external-provisioner sidecars of the cluster's CSI drivers
 * (kubernetes-csi/external-provisioner on sig-storage-lib-external-provisioner
 * controller/controller.go `provisionClaimOperation`):
 *
 * - a driver acts on claims the PV controller annotated with its name
 *   (`volume.kubernetes.io/storage-provisioner`); for WaitForFirstConsumer
 *   classes only once the scheduler set `volume.kubernetes.io/selected-node`
 *   (`shouldProvision`), and the volume is created in that node's zone;
 * - it announces "Provisioning", calls the driver's CreateVolume, and either
 *   creates a PersistentVolume pre-bound to the claim (ProvisioningSucceeded;
 *   the PV controller then binds) or reports the driver's error as a Warning
 *   `ProvisioningFailed` "failed to provision volume with StorageClass ...",
 *   retrying with exponential backoff (1 s doubling up to 5 min, the library's
 *   DefaultRetryIntervalStart/Max); the claim stays Pending meanwhile.
 */
import { resourceById } from '../api/resources';
import { KubeObject } from '../store/storedObject';
import { Controller, ControllerContext, splitKey } from './controller';
import { csiDriver, csiDriverName } from './csiDrivers';
import { involvedOf } from './eventRecorder';
import {
  SELECTED_NODE,
  STORAGE_PROVISIONER,
  claimClass,
  isClaimBound,
} from './volumeBinder';

const PVCS = resourceById('core/persistentvolumeclaims');
const PVS = resourceById('core/persistentvolumes');
const NODES = resourceById('core/nodes');
const STORAGE_CLASSES = resourceById('storage.k8s.io/storageclasses');
type Obj = Record<string, any>;

/** simulated CreateVolume latency of a cloud disk */
const CREATE_VOLUME_MS = 3_000;
const RETRY_START_MS = 1_000;
const RETRY_MAX_MS = 5 * 60_000;

/** Provisions volumes for the CSI drivers the cluster runs. */
export class ExternalProvisioner extends Controller {
  private readonly inFlight = new Set<string>();
  private readonly failures = new Map<string, number>();

  constructor(ctx: ControllerContext) {
    super(ctx, 'external-provisioner');
    this.watch(PVCS, e => (e.type === 'DELETED' ? undefined : e.object.key));
  }

  protected reconcile(key: string): void {
    if (this.inFlight.has(key)) return;
    const { namespace, name } = splitKey(key);
    const pvc = this.ctx.store.getObject(PVCS, namespace, name) as
      | Obj
      | undefined;
    if (!pvc || pvc.metadata.deletionTimestamp || isClaimBound(pvc)) return;
    const driverName = pvc.metadata.annotations?.[STORAGE_PROVISIONER];
    const driver = driverName ? csiDriver(driverName) : undefined;
    if (!driver) return; // no such provisioner runs here: the claim waits
    const className = claimClass(pvc) ?? '';
    const sc = this.ctx.store.getObject(
      STORAGE_CLASSES,
      undefined,
      className,
    ) as Obj | undefined;
    if (!sc || csiDriverName(sc.provisioner) !== driver.name) return;
    const selectedNode = pvc.metadata.annotations?.[SELECTED_NODE];
    if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !selectedNode)
      return;
    if (this.volumeExistsFor(pvc)) return;
    this.record(
      pvc,
      driver.name,
      'Normal',
      'Provisioning',
      `External provisioner is provisioning volume for claim "${key}"`,
    );
    const error = driver.createVolumeError(
      (pvc.spec?.accessModes as string[]) ?? [],
      pvc.spec?.volumeMode ?? 'Filesystem',
    );
    if (error) {
      this.record(
        pvc,
        driver.name,
        'Warning',
        'ProvisioningFailed',
        `failed to provision volume with StorageClass "${className}": ${error}`,
      );
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      this.inFlight.add(key);
      this.ctx.clock.setTimer(
        Math.min(RETRY_MAX_MS, RETRY_START_MS * 2 ** (n - 1)),
        () => {
          this.inFlight.delete(key);
          this.enqueue(key);
        },
      );
      return;
    }
    this.failures.delete(key);
    this.inFlight.add(key);
    const zone = selectedNode ? this.zoneOf(selectedNode) : undefined;
    this.ctx.clock.setTimer(CREATE_VOLUME_MS, () => {
      this.inFlight.delete(key);
      const current = this.ctx.store.getObject(PVCS, namespace, name) as
        | Obj
        | undefined;
      if (!current || current.metadata.uid !== pvc.metadata.uid) return;
      const volume = `pvc-${current.metadata.uid}`;
      const source = driver.volumeSource(this.ctx.rng.hex(16), zone);
      this.ctx.api.create(
        PVS,
        undefined,
        {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: {
            name: volume,
            annotations: {
              'pv.kubernetes.io/provisioned-by': driver.name,
              'volume.kubernetes.io/provisioner-deletion-secret-name': '',
              'volume.kubernetes.io/provisioner-deletion-secret-namespace': '',
            },
            finalizers: ['kubernetes.io/pv-protection'],
          },
          spec: {
            accessModes: current.spec?.accessModes ?? ['ReadWriteOnce'],
            capacity: {
              storage: current.spec?.resources?.requests?.storage ?? '1Gi',
            },
            claimRef: {
              apiVersion: 'v1',
              kind: 'PersistentVolumeClaim',
              name,
              namespace,
              uid: current.metadata.uid,
              resourceVersion: current.metadata.resourceVersion,
            },
            persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
            storageClassName: className,
            volumeMode: current.spec?.volumeMode ?? 'Filesystem',
            ...source,
          },
          status: { phase: 'Pending' },
        } as KubeObject,
        { internal: true },
      );
      this.record(
        current,
        driver.name,
        'Normal',
        'ProvisioningSucceeded',
        `Successfully provisioned volume ${volume}`,
      );
    });
  }

  private volumeExistsFor(pvc: Obj): boolean {
    return !!this.ctx.store.get(PVS, undefined, `pvc-${pvc.metadata.uid}`);
  }

  private zoneOf(nodeName: string): string | undefined {
    const node = this.ctx.store.getObject(NODES, undefined, nodeName) as
      | Obj
      | undefined;
    return node?.metadata?.labels?.['topology.kubernetes.io/zone'];
  }

  private record(
    pvc: Obj,
    driver: string,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): void {
    this.ctx.events.record(
      involvedOf(pvc as KubeObject),
      type,
      reason,
      message,
      // the sidecar reports as <driver>_<pod>_<uid>
      { component: `${driver}_${driver.split('.')[0]}-csi-controller-0` },
    );
  }
}
