/*
 * Server-side printing: the `Table` form `kubectl get` asks for, with the
 * columns and cell wording of the API server's printers, so `kubectl get pods
 * -o wide` against the simulator reads like against a real cluster.
 */
import { KubeObject } from '../store/storedObject';
import {
  AGE,
  ColumnDefinition,
  NAME,
  Obj,
  Printer,
  age,
  col,
  podStatusReason,
  since,
  humanDuration,
} from './printerColumns';
import { WORKLOAD_PRINTERS } from './workloadPrinters';

export { humanDuration, podStatusReason };
export type { ColumnDefinition };

const PRINTERS: Record<string, Printer> = {
  ...WORKLOAD_PRINTERS,
  Pod: {
    columns: [
      NAME,
      col('Ready'),
      col('Status'),
      col('Restarts', 0, 'string'),
      AGE,
      col('IP', 1),
      col('Node', 1),
      col('Nominated Node', 1),
      col('Readiness Gates', 1),
    ],
    cells(o, now) {
      const s = podStatusReason(o);
      const restarts = s.lastRestart
        ? `${s.restarts} (${humanDuration(now - s.lastRestart)} ago)`
        : String(s.restarts);
      return [
        o.metadata.name,
        `${s.ready}/${s.total}`,
        s.reason,
        restarts,
        age(o, now),
        o.status?.podIP || '<none>',
        o.spec?.nodeName || '<none>',
        o.status?.nominatedNodeName || '<none>',
        '<none>',
      ];
    },
  },
  Node: {
    columns: [
      NAME,
      col('Status'),
      col('Roles'),
      AGE,
      col('Version'),
      col('Internal-IP', 1),
      col('External-IP', 1),
      col('OS-Image', 1),
      col('Kernel-Version', 1),
      col('Container-Runtime', 1),
    ],
    cells(o, now) {
      const ready = ((o.status?.conditions ?? []) as Obj[]).find(
        c => c.type === 'Ready',
      );
      let status = 'Unknown';
      if (ready) status = ready.status === 'True' ? 'Ready' : 'NotReady';
      if (o.spec?.unschedulable) status += ',SchedulingDisabled';
      const roles = Object.keys(o.metadata?.labels ?? {})
        .filter(k => k.startsWith('node-role.kubernetes.io/'))
        .map(k => k.slice('node-role.kubernetes.io/'.length))
        .sort();
      const addr = (t: string) =>
        ((o.status?.addresses ?? []) as Obj[]).find(a => a.type === t)
          ?.address ?? '<none>';
      const info = o.status?.nodeInfo ?? {};
      return [
        o.metadata.name,
        status,
        roles.join(',') || '<none>',
        age(o, now),
        info.kubeletVersion ?? '',
        addr('InternalIP'),
        addr('ExternalIP'),
        info.osImage ?? '<unknown>',
        info.kernelVersion ?? '<unknown>',
        info.containerRuntimeVersion ?? '<unknown>',
      ];
    },
  },
  Namespace: {
    columns: [NAME, col('Status'), AGE],
    cells: (o, now) => [o.metadata.name, o.status?.phase ?? '', age(o, now)],
  },
  Service: {
    columns: [
      NAME,
      col('Type'),
      col('Cluster-IP'),
      col('External-IP'),
      col('Port(s)'),
      AGE,
      col('Selector', 1),
    ],
    cells(o, now) {
      const ports = ((o.spec?.ports ?? []) as Obj[])
        .map(
          p =>
            `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${
              p.protocol ?? 'TCP'
            }`,
        )
        .join(',');
      const sel = Object.entries(o.spec?.selector ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      return [
        o.metadata.name,
        o.spec?.type ?? 'ClusterIP',
        o.spec?.clusterIP ?? '<none>',
        '<none>',
        ports || '<none>',
        age(o, now),
        sel || '<none>',
      ];
    },
  },
  ConfigMap: {
    columns: [NAME, col('Data', 0, 'integer'), AGE],
    cells: (o, now) => [
      o.metadata.name,
      Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length,
      age(o, now),
    ],
  },
  Event: {
    columns: [
      col('Last Seen'),
      col('Type'),
      col('Reason'),
      col('Object'),
      col('Message'),
      col('Subobject', 1),
      col('Source', 1),
      col('First Seen', 1),
      col('Count', 1, 'integer'),
      { ...NAME, priority: 1 },
    ],
    cells(o, now) {
      const io = o.involvedObject ?? {};
      const last =
        o.lastTimestamp ?? o.eventTime ?? o.metadata?.creationTimestamp;
      return [
        since(last, now),
        o.type ?? '',
        o.reason ?? '',
        `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`,
        o.message ?? '',
        io.fieldPath ?? '',
        o.source?.component ?? o.reportingComponent ?? '',
        since(o.firstTimestamp ?? last, now),
        o.count ?? 1,
        o.metadata.name,
      ];
    },
  },
};

const DEFAULT_PRINTER: Printer = {
  columns: [NAME, AGE],
  cells: (o, now) => [o.metadata?.name ?? '', age(o, now)],
};

/** Table column definitions for a kind. */
export function tableColumns(kind: string): ColumnDefinition[] {
  return (PRINTERS[kind] ?? DEFAULT_PRINTER).columns;
}

/** Table cells for one object. */
export function tableCells(obj: KubeObject, now: number): unknown[] {
  return (PRINTERS[obj.kind ?? ''] ?? DEFAULT_PRINTER).cells(obj as Obj, now);
}
