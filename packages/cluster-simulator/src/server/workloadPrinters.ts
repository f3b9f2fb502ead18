/*
 * Server-side printers of workloads, autoscalers, quotas, volumes and the
 * operators' custom resources.
 */
import {
  AGE,
  NAME,
  Obj,
  Printer,
  age,
  col,
  containersOf,
  selectorString,
} from './printerColumns';

/** Printers by kind. */
export const WORKLOAD_PRINTERS: Record<string, Printer> = {
  Deployment: {
    columns: [
      NAME,
      col('Ready'),
      col('Up-to-date', 0, 'integer'),
      col('Available', 0, 'integer'),
      AGE,
      col('Containers', 1),
      col('Images', 1),
      col('Selector', 1),
    ],
    cells(o, now) {
      const c = containersOf(o.spec?.template?.spec);
      const s = o.status ?? {};
      return [
        o.metadata.name,
        `${s.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
        s.updatedReplicas ?? 0,
        s.availableReplicas ?? 0,
        age(o, now),
        c.names,
        c.images,
        selectorString(o.spec?.selector),
      ];
    },
  },
  ReplicaSet: {
    columns: [
      NAME,
      col('Desired', 0, 'integer'),
      col('Current', 0, 'integer'),
      col('Ready', 0, 'integer'),
      AGE,
      col('Containers', 1),
      col('Images', 1),
      col('Selector', 1),
    ],
    cells(o, now) {
      const c = containersOf(o.spec?.template?.spec);
      return [
        o.metadata.name,
        o.spec?.replicas ?? 0,
        o.status?.replicas ?? 0,
        o.status?.readyReplicas ?? 0,
        age(o, now),
        c.names,
        c.images,
        selectorString(o.spec?.selector),
      ];
    },
  },
  StatefulSet: {
    columns: [NAME, col('Ready'), AGE, col('Containers', 1), col('Images', 1)],
    cells(o, now) {
      const c = containersOf(o.spec?.template?.spec);
      return [
        o.metadata.name,
        `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
        age(o, now),
        c.names,
        c.images,
      ];
    },
  },
  DaemonSet: {
    columns: [
      NAME,
      col('Desired', 0, 'integer'),
      col('Current', 0, 'integer'),
      col('Ready', 0, 'integer'),
      col('Up-to-date', 0, 'integer'),
      col('Available', 0, 'integer'),
      col('Node Selector'),
      AGE,
      col('Containers', 1),
      col('Images', 1),
      col('Selector', 1),
    ],
    cells(o, now) {
      const s = o.status ?? {};
      const c = containersOf(o.spec?.template?.spec);
      const ns =
        Object.entries(o.spec?.template?.spec?.nodeSelector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>';
      return [
        o.metadata.name,
        s.desiredNumberScheduled ?? 0,
        s.currentNumberScheduled ?? 0,
        s.numberReady ?? 0,
        s.updatedNumberScheduled ?? 0,
        s.numberAvailable ?? 0,
        ns,
        age(o, now),
        c.names,
        c.images,
        selectorString(o.spec?.selector),
      ];
    },
  },
  HorizontalPodAutoscaler: {
    columns: [
      NAME,
      col('Reference'),
      col('Targets'),
      col('MinPods', 0, 'integer'),
      col('MaxPods', 0, 'integer'),
      col('Replicas', 0, 'integer'),
      AGE,
    ],
    cells(o, now) {
      const ref = o.spec?.scaleTargetRef ?? {};
      const targets = ((o.spec?.metrics ?? []) as Obj[]).map((m, i) => {
        const cur = ((o.status?.currentMetrics ?? []) as Obj[])[i];
        if (m.type === 'Resource') {
          const t = m.resource?.target ?? {};
          const c = cur?.resource?.current ?? {};
          return t.averageUtilization !== undefined
            ? `${m.resource.name}: ${c.averageUtilization ?? '<unknown>'}${
                c.averageUtilization !== undefined ? '%' : ''
              }/${t.averageUtilization}%`
            : `${m.resource.name}: ${c.averageValue ?? '<unknown>'}/${
                t.averageValue
              }`;
        }
        const block = m.pods ?? m.external ?? m.object ?? {};
        const t = block.target ?? {};
        const c =
          (cur?.pods ?? cur?.external ?? cur?.object ?? {}).current ?? {};
        return `${block.metric?.name ?? m.type}: ${
          c.averageValue ?? c.value ?? '<unknown>'
        }/${t.averageValue ?? t.value ?? ''}${
          t.type === 'AverageValue' ? ' (avg)' : ''
        }`;
      });
      return [
        o.metadata.name,
        `${ref.kind}/${ref.name}`,
        targets.join(', ') || '<none>',
        o.spec?.minReplicas ?? 1,
        o.spec?.maxReplicas ?? 0,
        o.status?.currentReplicas ?? 0,
        age(o, now),
      ];
    },
  },
  ResourceQuota: {
    columns: [NAME, AGE, col('Request'), col('Limit')],
    cells(o, now) {
      const hard = (o.status?.hard ?? o.spec?.hard ?? {}) as Obj;
      const used = (o.status?.used ?? {}) as Obj;
      const fmt = (keys: string[]) =>
        keys.map(k => `${k}: ${used[k] ?? '0'}/${hard[k]}`).join(', ');
      const keys = Object.keys(hard).sort();
      return [
        o.metadata.name,
        age(o, now),
        fmt(keys.filter(k => !k.startsWith('limits.'))),
        fmt(keys.filter(k => k.startsWith('limits.'))),
      ];
    },
  },
  PersistentVolumeClaim: {
    columns: [
      NAME,
      col('Status'),
      col('Volume'),
      col('Capacity'),
      col('Access Modes'),
      col('StorageClass'),
      col('VolumeAttributesClass'),
      AGE,
      col('VolumeMode', 1),
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.status?.phase ?? '',
      o.spec?.volumeName ?? '',
      o.status?.capacity?.storage ?? '',
      (o.status?.accessModes ?? [])
        .map(
          (m: string) =>
            ((
              {
                ReadWriteOnce: 'RWO',
                ReadOnlyMany: 'ROX',
                ReadWriteMany: 'RWX',
                ReadWriteOncePod: 'RWOP',
              } as Obj
            )[m] ?? m),
        )
        .join(','),
      o.spec?.storageClassName ?? '',
      '<unset>',
      age(o, now),
      o.spec?.volumeMode ?? '',
    ],
  },
  ScaledObject: {
    columns: [
      NAME,
      col('ScaleTargetKind'),
      col('ScaleTargetName'),
      col('Min', 0, 'integer'),
      col('Max', 0, 'integer'),
      col('Ready'),
      col('Active'),
      col('Fallback'),
      col('Paused'),
      col('Triggers'),
      col('Authentications'),
      AGE,
    ],
    cells(o, now) {
      const cond = (t: string) =>
        ((o.status?.conditions ?? []) as Obj[]).find(c => c.type === t)
          ?.status ?? 'Unknown';
      return [
        o.metadata.name,
        o.status?.scaleTargetKind ?? '',
        o.spec?.scaleTargetRef?.name ?? '',
        o.spec?.minReplicaCount ?? '',
        o.spec?.maxReplicaCount ?? '',
        cond('Ready'),
        cond('Active'),
        cond('Fallback'),
        cond('Paused'),
        ((o.spec?.triggers ?? []) as Obj[]).map(t => t.type).join(','),
        '',
        age(o, now),
      ];
    },
  },
  NodePool: {
    columns: [
      NAME,
      col('NodeClass'),
      col('Nodes'),
      col('Ready'),
      AGE,
      col('Weight', 1, 'integer'),
      col('CPU', 1),
      col('Memory', 1),
    ],
    cells(o, now) {
      const ready =
        ((o.status?.conditions ?? []) as Obj[]).find(c => c.type === 'Ready')
          ?.status ?? 'Unknown';
      return [
        o.metadata.name,
        o.spec?.template?.spec?.nodeClassRef?.name ?? '',
        String(o.status?.resources?.nodes ?? 0),
        ready,
        age(o, now),
        o.spec?.weight ?? '',
        o.status?.resources?.cpu ?? '',
        o.status?.resources?.memory ?? '',
      ];
    },
  },
  InferenceService: {
    columns: [NAME, col('URL'), col('Ready'), AGE],
    cells(o, now) {
      const ready =
        ((o.status?.conditions ?? []) as Obj[]).find(c => c.type === 'Ready')
          ?.status ?? 'Unknown';
      return [o.metadata.name, o.status?.url ?? '', ready, age(o, now)];
    },
  },
};
