/*
 * Scrape targets of ServiceMonitors, labelled as prometheus-operator's
 * generated relabelling labels them (pkg/prometheus/promcfg.go,
 * generateServiceMonitorConfig; https://prometheus-operator.dev/docs/
 * developer/getting-started/#using-servicemonitors): one target per pod
 * address of each selected Service's endpoint port, with `namespace`,
 * `service`, `pod`, `container`, `endpoint` (the port name) and `job` (the
 * Service name, or the value of its `spec.jobLabel` label), and `instance`
 * = address:port. Pods in phase Succeeded/Failed are dropped; not-ready pods
 * stay targets (Endpoints' notReadyAddresses) and fail their scrapes.
 */
import {
  compileLabelSelector,
  compileMapSelector,
} from '../../api/labelSelector';
import { LabelSet } from './values';

type Obj = Record<string, any>;

/** One scrape target. @public */
export interface ScrapeTarget {
  namespace: string;
  pod: string;
  /** container port the scrape connects to */
  port: number;
  path: string;
  intervalMs: number;
  labels: LabelSet;
}

/** prometheus-operator's default scrape interval (the Prometheus CR's `scrapeInterval`). */
export const DEFAULT_SCRAPE_INTERVAL_MS = 30_000;

function durationMs(text: unknown): number | undefined {
  const m = /^(\d+)(ms|s|m|h)$/.exec(String(text ?? ''));
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2]]!;
  return Number(m[1]) * unit;
}

function namespacesOf(sm: Obj, all: string[]): string[] {
  const sel = sm.spec?.namespaceSelector;
  if (sel?.any) return all;
  if (Array.isArray(sel?.matchNames) && sel.matchNames.length > 0)
    return sel.matchNames as string[];
  return [sm.metadata.namespace];
}

/** The container port and container a Service port's targetPort reaches. */
function resolveTargetPort(
  pod: Obj,
  targetPort: unknown,
): { port: number; container: string } | undefined {
  for (const c of (pod.spec?.containers ?? []) as Obj[]) {
    for (const p of (c.ports ?? []) as Obj[]) {
      if (
        (typeof targetPort === 'number' && p.containerPort === targetPort) ||
        (typeof targetPort === 'string' &&
          (p.name === targetPort || String(p.containerPort) === targetPort))
      )
        return { port: Number(p.containerPort), container: c.name };
    }
  }
  if (typeof targetPort === 'number' || /^\d+$/.test(String(targetPort)))
    return {
      port: Number(targetPort),
      container: pod.spec?.containers?.[0]?.name ?? '',
    };
  return undefined;
}

/** Targets of a set of ServiceMonitors over the cluster's Services and pods. */
export function serviceMonitorTargets(input: {
  serviceMonitors: Obj[];
  services: Obj[];
  pods: Obj[];
  namespaces: string[];
}): ScrapeTarget[] {
  const out: ScrapeTarget[] = [];
  const seen = new Set<string>();
  for (const sm of input.serviceMonitors) {
    const namespaces = new Set(namespacesOf(sm, input.namespaces));
    const svcSelector = compileLabelSelector(sm.spec?.selector ?? {});
    for (const svc of input.services) {
      if (!namespaces.has(svc.metadata.namespace)) continue;
      if (!svcSelector.matches(svc.metadata.labels ?? {})) continue;
      const podSelector = compileMapSelector(svc.spec?.selector);
      const pods = input.pods.filter(
        p =>
          p.metadata.namespace === svc.metadata.namespace &&
          podSelector.matches(p.metadata.labels ?? {}) &&
          p.status?.podIP &&
          p.status?.phase !== 'Succeeded' &&
          p.status?.phase !== 'Failed',
      );
      for (const ep of (sm.spec?.endpoints ?? []) as Obj[]) {
        const svcPort = ((svc.spec?.ports ?? []) as Obj[]).find(p =>
          ep.port !== undefined
            ? p.name === ep.port
            : ep.targetPort !== undefined &&
              String(p.targetPort ?? p.port) === String(ep.targetPort),
        );
        if (!svcPort) continue;
        const job =
          (sm.spec?.jobLabel && svc.metadata.labels?.[sm.spec.jobLabel]) ||
          svc.metadata.name;
        for (const pod of pods) {
          const resolved = resolveTargetPort(
            pod,
            svcPort.targetPort ?? svcPort.port,
          );
          if (!resolved) continue;
          const instance = `${pod.status.podIP}:${resolved.port}`;
          const key = `${job}/${instance}/${ep.path ?? '/metrics'}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push({
            namespace: pod.metadata.namespace,
            pod: pod.metadata.name,
            port: resolved.port,
            path: ep.path ?? '/metrics',
            intervalMs: durationMs(ep.interval) ?? DEFAULT_SCRAPE_INTERVAL_MS,
            labels: {
              container: resolved.container,
              endpoint: String(ep.port ?? ep.targetPort),
              instance,
              job,
              namespace: pod.metadata.namespace,
              pod: pod.metadata.name,
              service: svc.metadata.name,
            },
          });
        }
      }
    }
  }
  return out;
}

/**
 * Target labels over the scraped sample's own labels: with honor_labels
 * false (prometheus-operator's default) a clashing scraped label is kept as
 * `exported_<name>` (Prometheus scrape/scrape.go mutateSampleLabels).
 */
export function withTargetLabels(sample: LabelSet, target: LabelSet): LabelSet {
  const out: LabelSet = {};
  for (const [k, v] of Object.entries(sample)) {
    if (k !== '__name__' && k in target && v !== '') out[`exported_${k}`] = v;
    else out[k] = v;
  }
  for (const [k, v] of Object.entries(target)) out[k] = v;
  return out;
}
