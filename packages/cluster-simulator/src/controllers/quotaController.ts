/*
 * ResourceQuota: usage bookkeeping (`status.used`) and the admission check
 * that rejects a pod which would exceed a quota, with the API server's
 * message: `pods "x" is forbidden: exceeded quota: gpu-quota, requested:
 * requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=8, limited:
 * requests.nvidia.com/gpu=8`.
 */
import { resourceById } from '../api/resources';
import { forbidden } from '../api/status';
import { AdmissionRequest } from '../api/writeContext';
import { formatAmount, isTerminal, podResources } from '../sim/podResources';
import { StoreEvent, eventObject } from '../store/eventHistory';
import { parseStored } from '../store/storedObject';
import {
  Controller,
  ControllerContext,
  parseQuantity,
  splitKey,
} from './controller';

const QUOTAS = resourceById('core/resourcequotas');
const PODS = resourceById('core/pods');
type Obj = Record<string, any>;

/** Quota usage of one pod, keyed by quota resource name. */
export function podUsage(spec: Obj): Record<string, number> {
  const usage: Record<string, number> = { pods: 1, 'count/pods': 1 };
  const req = podResources(spec, 'requests');
  const lim = podResources(spec, 'limits');
  for (const [k, v] of Object.entries(req)) {
    usage[`requests.${k}`] = v;
    if (k === 'cpu' || k === 'memory' || k === 'ephemeral-storage')
      usage[k] = v;
  }
  for (const [k, v] of Object.entries(lim)) usage[`limits.${k}`] = v;
  return usage;
}

function hardAmount(name: string, q: unknown): number {
  const v = parseQuantity(q);
  return name.endsWith('cpu') ? Math.round(v * 1000) : v;
}

function display(name: string, v: number): string {
  return formatAmount(name.replace(/^(requests|limits)\./, ''), v);
}

/** Tracks namespace usage, updates quota status and admits pods. */
export class QuotaController extends Controller {
  private readonly usage = new Map<string, Record<string, number>>();
  private readonly podUsageByKey = new Map<
    string,
    { namespace: string; usage: Record<string, number> }
  >();
  private readonly tracked = new Set<string>();

  constructor(ctx: ControllerContext) {
    super(ctx, 'resourcequota-controller');
    ctx.store.subscribeType(PODS, e => this.onPod(e));
    this.watch(QUOTAS, e => {
      // usage is only tracked in namespaces with a quota (keeps memory flat at scale)
      if (e.type === 'ADDED' && !this.tracked.has(e.object.namespace))
        this.trackNamespace(e.object.namespace);
      return e.type === 'DELETED' ? undefined : e.object.key;
    });
    ctx.api.addAdmission(req => this.admit(req));
  }

  /** Current usage of a namespace. */
  namespaceUsage(namespace: string): Record<string, number> {
    return { ...(this.usage.get(namespace) ?? {}) };
  }

  private trackNamespace(namespace: string): void {
    this.tracked.add(namespace);
    for (const s of this.ctx.store.table(PODS).values(namespace)) {
      const pod = parseStored(s) as Obj;
      if (isTerminal(pod)) continue;
      const usage = podUsage(pod.spec);
      this.podUsageByKey.set(s.key, { namespace, usage });
      this.add(namespace, usage, 1);
    }
  }

  private onPod(e: StoreEvent): void {
    if (!this.tracked.has(e.object.namespace)) return;
    const key = e.object.key;
    const old = this.podUsageByKey.get(key);
    const pod = e.type === 'DELETED' ? undefined : (eventObject(e) as Obj);
    const counts = pod && !isTerminal(pod);
    if (old && counts) return; // pod specs are immutable: usage does not change
    if (old) this.add(old.namespace, old.usage, -1);
    if (counts) {
      const usage = podUsage(pod.spec);
      this.podUsageByKey.set(key, { namespace: e.object.namespace, usage });
      this.add(e.object.namespace, usage, 1);
    } else {
      this.podUsageByKey.delete(key);
    }
    if (this.ctx.store.count(QUOTAS, e.object.namespace) > 0) {
      for (const q of this.ctx.store.table(QUOTAS).values(e.object.namespace))
        this.enqueue(q.key);
    }
  }

  private add(
    namespace: string,
    usage: Record<string, number>,
    sign: 1 | -1,
  ): void {
    const ns = this.usage.get(namespace) ?? {};
    for (const [k, v] of Object.entries(usage)) ns[k] = (ns[k] ?? 0) + sign * v;
    this.usage.set(namespace, ns);
  }

  private admit(req: AdmissionRequest): void {
    if (req.resource.id !== PODS.id || req.operation !== 'CREATE') return;
    const namespace = req.object.metadata!.namespace!;
    if (this.ctx.store.count(QUOTAS, namespace) === 0) return;
    const want = podUsage(req.object.spec as Obj);
    const used = this.usage.get(namespace) ?? {};
    for (const s of this.ctx.store.table(QUOTAS).values(namespace)) {
      const quota = parseStored(s) as Obj;
      const hard = (quota.spec?.hard ?? {}) as Obj;
      const covered = Object.keys(hard);
      const missing = covered.filter(
        k =>
          /^(limits|requests)\.(cpu|memory)$/.test(k) && want[k] === undefined,
      );
      if (missing.length > 0) {
        const containers = ((req.object.spec as Obj)?.containers ?? [])
          .map((c: Obj) => c.name)
          .join(',');
        throw forbidden(
          PODS,
          req.object.metadata!.name!,
          `failed quota: ${s.name}: must specify ${missing
            .sort()
            .join(',')} for: ${containers}`,
        );
      }
      const exceeded = covered.filter(
        k =>
          want[k] !== undefined &&
          (used[k] ?? 0) + want[k] > hardAmount(k, hard[k]),
      );
      if (exceeded.length > 0) {
        exceeded.sort();
        const fmt = (f: (k: string) => number) =>
          exceeded.map(k => `${k}=${display(k, f(k))}`).join(',');
        throw forbidden(
          PODS,
          req.object.metadata!.name!,
          `exceeded quota: ${s.name}, requested: ${fmt(
            k => want[k],
          )}, used: ${fmt(k => used[k] ?? 0)}, limited: ${exceeded
            .map(k => `${k}=${hard[k]}`)
            .join(',')}`,
        );
      }
    }
  }

  protected reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const quota = this.ctx.store.getObject(QUOTAS, namespace, name) as
      | Obj
      | undefined;
    if (!quota) return;
    const hard = (quota.spec?.hard ?? {}) as Obj;
    const used = this.usage.get(namespace) ?? {};
    const usedOut: Record<string, string> = {};
    for (const k of Object.keys(hard)) usedOut[k] = display(k, used[k] ?? 0);
    this.ctx.api.mutate(
      QUOTAS,
      namespace,
      name,
      o => {
        (o as Obj).status = { hard: { ...hard }, used: usedOut };
      },
      { subresource: 'status' },
    );
  }
}
