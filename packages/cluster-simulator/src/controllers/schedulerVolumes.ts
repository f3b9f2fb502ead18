/*
 * What kube-scheduler's VolumeBinding plugin decides before and while
 * placing a pod (pkg/scheduler/framework/plugins/volumebinding/
 * volume_binding.go `PreFilter`/`Filter`, binder.go `GetPodVolumeClaims`,
 * `FindPodVolumes`, `BindPodVolumes`):
 *
 * - PreFilter (the pod cannot be placed anywhere, UnschedulableAndUnresolvable):
 *   a missing claim (`persistentvolumeclaim "x" not found`), a generic
 *   ephemeral claim not created yet or not owned by the pod, a claim being
 *   deleted, and any unbound claim whose class binds Immediately
 *   (`pod has unbound immediate PersistentVolumeClaims`);
 * - Filter: bound volumes with node affinity (an EBS volume's zone) rule out
 *   nodes elsewhere (`node(s) had volume node affinity conflict`);
 * - unbound WaitForFirstConsumer claims are provisioned for the chosen node:
 *   the scheduler annotates them with `volume.kubernetes.io/selected-node`
 *   and waits in PreBind until they are bound (bindTimeoutSeconds, 600 s by
 *   default in VolumeBindingArgs), then binds the pod.
 */
import { resourceById } from '../api/resources';
import { ClusterStore } from '../store/clusterStore';
import { ephemeralClaimName } from './ephemeralVolumeController';
import { claimClass, isClaimBound } from './volumeBinder';

const PVCS = resourceById('core/persistentvolumeclaims');
const PVS = resourceById('core/persistentvolumes');
const STORAGE_CLASSES = resourceById('storage.k8s.io/storageclasses');
type Obj = Record<string, any>;

/** VolumeBindingArgs.bindTimeoutSeconds default */
export const BIND_TIMEOUT_MS = 600_000;
export const VOLUME_ZONE_CONFLICT = 'node(s) had volume node affinity conflict';
const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** The volume facts that shape a pod's scheduling. @public */
export interface PodVolumes {
  /** set when no node can take the pod (PreFilter rejection message) */
  preFilter?: string;
  /** zones the pod's bound volumes allow, when any of them is zonal */
  zones?: Set<string>;
  /** unbound WaitForFirstConsumer claims to provision on the chosen node */
  delayed: string[];
}

function volumeZones(pv: Obj): string[] | undefined {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms as
    | Obj[]
    | undefined;
  if (!terms) return undefined;
  const zones: string[] = [];
  for (const t of terms)
    for (const e of (t.matchExpressions as Obj[]) ?? [])
      if (e.key === ZONE_LABEL && e.operator === 'In') zones.push(...e.values);
  return zones.length ? zones : undefined;
}

/** The claims a pod uses and what they allow. */
export function podVolumes(store: ClusterStore, pod: Obj): PodVolumes {
  const ns = pod.metadata.namespace;
  const out: PodVolumes = { delayed: [] };
  let immediateUnbound = false;
  for (const v of (pod.spec?.volumes as Obj[]) ?? []) {
    const ephemeral = !!v.ephemeral;
    const claimName = ephemeral
      ? ephemeralClaimName(pod.metadata.name, v.name)
      : v.persistentVolumeClaim?.claimName;
    if (!claimName) continue;
    const pvc = store.getObject(PVCS, ns, claimName) as Obj | undefined;
    if (!pvc) {
      out.preFilter = ephemeral
        ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${claimName}"`
        : `persistentvolumeclaim "${claimName}" not found`;
      return out;
    }
    if (
      ephemeral &&
      !(pvc.metadata.ownerReferences as Obj[] | undefined)?.some(
        r => r.uid === pod.metadata.uid && r.controller,
      )
    ) {
      out.preFilter = `PVC ${ns}/${claimName} was not created for pod ${ns}/${pod.metadata.name} (pod is not owner)`;
      return out;
    }
    if (pvc.metadata.deletionTimestamp) {
      out.preFilter = `persistentvolumeclaim "${claimName}" is being deleted`;
      return out;
    }
    if (isClaimBound(pvc)) {
      const pv = store.getObject(PVS, undefined, pvc.spec.volumeName) as
        | Obj
        | undefined;
      const zones = pv ? volumeZones(pv) : undefined;
      if (zones) {
        const allowed = new Set(zones);
        out.zones = out.zones
          ? new Set([...out.zones].filter(z => allowed.has(z)))
          : allowed;
      }
      continue;
    }
    const className = claimClass(pvc);
    const sc = className
      ? (store.getObject(STORAGE_CLASSES, undefined, className) as
          | Obj
          | undefined)
      : undefined;
    if (sc?.volumeBindingMode === 'WaitForFirstConsumer')
      out.delayed.push(claimName);
    else immediateUnbound = true;
  }
  if (immediateUnbound)
    out.preFilter = 'pod has unbound immediate PersistentVolumeClaims';
  return out;
}

/** Whether every delayed claim of a waiting pod is bound now. */
export function claimsBound(
  store: ClusterStore,
  namespace: string,
  claims: string[],
): boolean {
  return claims.every(c =>
    isClaimBound(store.getObject(PVCS, namespace, c) as Obj | undefined),
  );
}

/** The zone label a node carries. */
export function zoneOfNode(labels: Record<string, string>): string | undefined {
  return labels[ZONE_LABEL];
}
