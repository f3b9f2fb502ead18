/*
 * Shared pieces of the server-side printers: column definitions, ages as
 * kubectl shows them, and the pod STATUS cell logic.
 */

/** A loosely typed object. */
export type Obj = Record<string, any>;

/** One column of a Table. @public */
export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** Columns and cells of one kind. */
export interface Printer {
  columns: ColumnDefinition[];
  cells(o: Obj, now: number): unknown[];
}

/** A column definition (priority 1 = shown with -o wide). */
export function col(
  name: string,
  priority = 0,
  type = 'string',
  format = '',
): ColumnDefinition {
  return { name, type, format, description: `${name} column`, priority };
}

/** The Name column. */
export const NAME = {
  ...col('Name', 0, 'string', 'name'),
  description: 'Name must be unique within a namespace.',
};
/** The Age column. */
export const AGE = {
  ...col('Age', 0, 'string'),
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created.',
};

/** Human-readable age, the way `kubectl get` shows it (`5m`, `2d3h`). */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 192)
    return h % 24 === 0
      ? `${Math.floor(h / 24)}d`
      : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  const y = Math.floor(h / 24 / 365);
  if (y < 8) return `${y}y${Math.floor(h / 24) % 365}d`;
  return `${y}y`;
}

/** Age cell of an object. */
export function age(o: Obj, now: number): string {
  const t = Date.parse(o.metadata?.creationTimestamp ?? '');
  return Number.isFinite(t) ? humanDuration(now - t) : '<unknown>';
}

/** Age cell of a timestamp. */
export function since(ts: string | undefined, now: number): string {
  const t = Date.parse(ts ?? '');
  return Number.isFinite(t) ? humanDuration(now - t) : '<unknown>';
}

/** Containers and images cells. */
export function containersOf(spec: Obj | undefined): {
  names: string;
  images: string;
} {
  const cs = (spec?.containers ?? []) as Obj[];
  return {
    names: cs.map(c => c.name).join(','),
    images: cs.map(c => c.image).join(','),
  };
}

/** Selector cell. */
export function selectorString(sel: Obj | undefined): string {
  if (!sel) return '<none>';
  const parts = Object.entries(sel.matchLabels ?? {}).map(
    ([k, v]) => `${k}=${v}`,
  );
  for (const e of (sel.matchExpressions ?? []) as Obj[]) {
    const op = String(e.operator).toLowerCase();
    if (op === 'exists') parts.push(e.key);
    else if (op === 'doesnotexist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${op} (${(e.values ?? []).join(',')})`);
  }
  return parts.join(',') || '<none>';
}

/** The STATUS cell of a pod, with the kubectl/API server precedence rules. */
export function podStatusReason(pod: Obj): {
  reason: string;
  ready: number;
  total: number;
  restarts: number;
  lastRestart?: number;
} {
  const status = (pod.status ?? {}) as Obj;
  let reason: string = status.reason || status.phase || 'Pending';
  const statuses = (status.containerStatuses ?? []) as Obj[];
  const total = (pod.spec?.containers ?? []).length;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let hasRunning = false;
  for (let i = statuses.length - 1; i >= 0; i--) {
    const c = statuses[i];
    restarts += c.restartCount ?? 0;
    const finished = Date.parse(c.lastState?.terminated?.finishedAt ?? '');
    if (Number.isFinite(finished) && finished > lastRestart)
      lastRestart = finished;
    const st = c.state ?? {};
    if (st.waiting?.reason) reason = st.waiting.reason;
    else if (st.terminated?.reason) reason = st.terminated.reason;
    else if (st.terminated)
      reason = st.terminated.signal
        ? `Signal:${st.terminated.signal}`
        : `ExitCode:${st.terminated.exitCode}`;
    else if (c.ready && st.running) {
      hasRunning = true;
      ready++;
    }
  }
  if (reason === 'Completed' && hasRunning) {
    const podReady = ((status.conditions ?? []) as Obj[]).some(
      c => c.type === 'Ready' && c.status === 'True',
    );
    reason = podReady ? 'Running' : 'NotReady';
  }
  if (pod.metadata?.deletionTimestamp)
    reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return {
    reason,
    ready,
    total,
    restarts,
    lastRestart: lastRestart || undefined,
  };
}
