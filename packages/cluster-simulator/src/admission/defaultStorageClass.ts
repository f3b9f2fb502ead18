/*
 * The DefaultStorageClass admission plugin
 * (kubernetes plugin/pkg/admission/storage/storageclass/setdefault/admission.go):
 * a PersistentVolumeClaim created with no `storageClassName` at all (nil, not
 * "") and without the beta `volume.beta.kubernetes.io/storage-class`
 * annotation gets the cluster's default StorageClass. Several defaults: the
 * newest wins (pkg/volume/util `GetDefaultClass`, since 1.26). No default:
 * the claim keeps no class, and the PV controller later reports
 * `no persistent volumes available for this claim and no storage class is set`.
 */
import { resourceById } from '../api/resources';
import { AdmissionPlugin } from '../api/writeContext';
import { ClusterStore } from '../store/clusterStore';

type Obj = Record<string, any>;

const STORAGE_CLASSES = resourceById('storage.k8s.io/storageclasses');

/** the annotation marking a default class (and its beta spelling, still honoured) */
export const IS_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
const IS_DEFAULT_CLASS_BETA =
  'storageclass.beta.kubernetes.io/is-default-class';
/** the pre-1.6 way of naming a claim's class; still wins over the field */
export const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** The name of the cluster's default StorageClass, if one is marked. */
export function defaultStorageClassName(
  store: ClusterStore,
): string | undefined {
  let best: Obj | undefined;
  for (const s of store.table(STORAGE_CLASSES).values('')) {
    const sc = JSON.parse(s.json) as Obj;
    const ann = (sc.metadata?.annotations ?? {}) as Record<string, string>;
    if (
      ann[IS_DEFAULT_CLASS] !== 'true' &&
      ann[IS_DEFAULT_CLASS_BETA] !== 'true'
    )
      continue;
    const newer =
      !best ||
      sc.metadata.creationTimestamp > best.metadata.creationTimestamp ||
      (sc.metadata.creationTimestamp === best.metadata.creationTimestamp &&
        sc.metadata.name < best.metadata.name);
    if (newer) best = sc;
  }
  return best?.metadata?.name;
}

/** The plugin: sets the default class on new claims that name none. */
export function defaultStorageClassAdmission(
  store: ClusterStore,
): AdmissionPlugin {
  return req => {
    if (
      req.operation !== 'CREATE' ||
      req.resource.id !== 'core/persistentvolumeclaims'
    )
      return;
    const pvc = req.object as Obj;
    pvc.spec = pvc.spec ?? {};
    if (
      pvc.spec.storageClassName !== undefined &&
      pvc.spec.storageClassName !== null
    )
      return;
    if (pvc.metadata?.annotations?.[BETA_CLASS_ANNOTATION] !== undefined)
      return;
    const name = defaultStorageClassName(store);
    if (name) pvc.spec.storageClassName = name;
  };
}
