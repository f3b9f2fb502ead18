/*
 * PodDisruptionBudget status: how many selected pods are healthy, how many
 * must be, and how many disruptions are currently allowed.
 */
import { compileLabelSelector } from '../api/labelSelector';
import { resourceById } from '../api/resources';
import { parseStored } from '../store/storedObject';
import {
  Controller,
  ControllerContext,
  setCondition,
  splitKey,
} from './controller';
import { intOrPercent } from './deploymentController';
import { isPodActive, isPodReady } from './replicaSetController';

const PDBS = resourceById('policy/poddisruptionbudgets');
const PODS = resourceById('core/pods');
type Obj = Record<string, any>;

/** Keeps PDB status current. */
export class DisruptionController extends Controller {
  constructor(ctx: ControllerContext) {
    super(ctx, 'disruption-controller');
    this.watch(PDBS, e => (e.type === 'DELETED' ? undefined : e.object.key));
    this.watch(PODS, e => {
      if (ctx.store.count(PDBS, e.object.namespace) === 0) return undefined;
      return Array.from(
        ctx.store.table(PDBS).values(e.object.namespace),
        s => s.key,
      );
    });
  }

  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const pdb = this.ctx.store.getObject(PDBS, namespace, name) as
      | Obj
      | undefined;
    if (!pdb) return;
    const selector = compileLabelSelector(pdb.spec?.selector);
    const pods: Obj[] = [];
    for (const s of this.ctx.store.table(PODS).values(namespace)) {
      if (selector.matches(s.labels)) pods.push(parseStored(s) as Obj);
    }
    const expected = pods.filter(isPodActive).length;
    const healthy = pods.filter(p => isPodActive(p) && isPodReady(p)).length;
    const desired =
      pdb.spec?.minAvailable !== undefined
        ? intOrPercent(pdb.spec.minAvailable, expected, true)
        : Math.max(
            0,
            expected -
              intOrPercent(pdb.spec?.maxUnavailable ?? 0, expected, false),
          );
    const allowed = Math.max(0, healthy - desired);
    const now = this.ctx.clock.nowIso();
    this.ctx.api.mutate(
      PDBS,
      namespace,
      name,
      o => {
        const prev = ((o as Obj).status ?? {}) as Obj;
        (o as Obj).status = {
          observedGeneration: o.metadata!.generation,
          disruptionsAllowed: allowed,
          currentHealthy: healthy,
          desiredHealthy: desired,
          expectedPods: expected,
          conditions: setCondition(
            prev.conditions,
            allowed > 0
              ? {
                  type: 'DisruptionAllowed',
                  status: 'True',
                  reason: 'SufficientPods',
                  message: '',
                }
              : {
                  type: 'DisruptionAllowed',
                  status: 'False',
                  reason: 'InsufficientPods',
                  message: '',
                },
            now,
            { observedGeneration: o.metadata!.generation },
          ),
        };
      },
      { subresource: 'status' },
    );
  }
}
