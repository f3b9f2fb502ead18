/*
 * The ephemeral volume controller (kube-controller-manager,
 * pkg/controller/volume/ephemeral/controller.go `syncHandler`/`handleVolume`):
 * for every `volumes[].ephemeral.volumeClaimTemplate` of a pod it creates the
 * PersistentVolumeClaim `<pod>-<volume>`, owned by the pod (controller and
 * blockOwnerDeletion set), with the template's labels, annotations and spec.
 * The claim then binds like any other, and the garbage collector deletes it
 * with its pod. A claim of that name not owned by the pod is never used: the
 * pod stays Pending and the conflict is reported.
 */
import { resourceById } from '../api/resources';
import { ApiError } from '../api/status';
import { KubeObject } from '../store/storedObject';
import {
  Controller,
  ControllerContext,
  ownerRef,
  splitKey,
} from './controller';
import { involvedOf } from './eventRecorder';

const PODS = resourceById('core/pods');
const PVCS = resourceById('core/persistentvolumeclaims');
type Obj = Record<string, any>;

/** The name of a pod's generic ephemeral volume claim (ephemeral.VolumeClaimName). */
export function ephemeralClaimName(
  podName: string,
  volumeName: string,
): string {
  return `${podName}-${volumeName}`;
}

/** Creates the claims of generic ephemeral volumes. */
export class EphemeralVolumeController extends Controller {
  constructor(ctx: ControllerContext) {
    super(ctx, 'ephemeral-volume-controller');
    this.watch(PODS, e =>
      e.type === 'ADDED' && e.object.json.includes('"ephemeral"')
        ? e.object.key
        : undefined,
    );
  }

  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const pod = this.ctx.store.getObject(PODS, namespace, name) as
      | Obj
      | undefined;
    if (!pod || pod.metadata.deletionTimestamp) return;
    for (const v of (pod.spec?.volumes as Obj[]) ?? []) {
      const template = v.ephemeral?.volumeClaimTemplate;
      if (!template) continue;
      const claimName = ephemeralClaimName(name, v.name);
      const existing = this.ctx.store.getObject(PVCS, namespace, claimName) as
        | Obj
        | undefined;
      if (existing) {
        const owned = (
          existing.metadata?.ownerReferences as Obj[] | undefined
        )?.some(r => r.uid === pod.metadata.uid && r.controller);
        if (!owned)
          this.ctx.events.record(
            involvedOf(pod as KubeObject),
            'Warning',
            'FailedBinding',
            `PVC ${namespace}/${claimName} was not created for pod ${namespace}/${name} (pod is not owner)`,
            { component: 'ephemeral_volume' },
          );
        continue;
      }
      try {
        this.ctx.api.create(
          PVCS,
          namespace,
          {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: {
              name: claimName,
              namespace,
              labels: template.metadata?.labels,
              annotations: template.metadata?.annotations,
              ownerReferences: [ownerRef(pod as KubeObject)],
            },
            spec: JSON.parse(JSON.stringify(template.spec ?? {})),
          },
          { internal: true },
        );
      } catch (e) {
        this.ctx.events.record(
          involvedOf(pod as KubeObject),
          'Warning',
          'FailedBinding',
          `create PVC ${claimName}: ${
            e instanceof ApiError ? e.message : String(e)
          }`,
          { component: 'ephemeral_volume' },
        );
      }
    }
  }
}
