/*
 * Namespace termination: a deleted namespace turns Terminating, its content
 * is deleted, and the namespace disappears once it is empty.
 */
import { deleteObject } from '../api/deletion';
import { RESOURCE_TYPES, resourceById } from '../api/resources';
import { Controller, ControllerContext } from './controller';
import { GarbageCollector } from './garbageCollector';

const NAMESPACES = resourceById('core/namespaces');

/** Empties and removes terminating namespaces. */
export class NamespaceController extends Controller {
  constructor(ctx: ControllerContext, private readonly gc: GarbageCollector) {
    super(ctx, 'namespace-controller');
    this.watch(NAMESPACES, e =>
      e.type === 'DELETED' ? undefined : e.object.name,
    );
  }

  protected reconcile(name: string): void {
    const ns = this.ctx.store.getObject(NAMESPACES, undefined, name);
    if (!ns?.metadata?.deletionTimestamp) return;
    let remaining = 0;
    for (const r of RESOURCE_TYPES) {
      if (!r.namespaced || r.readOnly) continue;
      for (const obj of Array.from(this.ctx.store.table(r).values(name))) {
        remaining++;
        try {
          deleteObject(
            this.ctx.api,
            r,
            name,
            obj.name,
            { propagationPolicy: 'Background' },
            uid => this.gc.dependents(uid),
          );
        } catch {
          // gone in the meantime
        }
      }
    }
    if (remaining === 0) {
      this.ctx.store.remove(NAMESPACES, undefined, name);
      return;
    }
    this.ctx.clock.setTimer(1000, () => this.enqueue(name));
  }
}
