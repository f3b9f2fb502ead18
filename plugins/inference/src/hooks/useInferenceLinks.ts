import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { useMemo } from 'react';

/**
 * Where a workload's dashboards are, built from `inference.links` in app-config. Absent links are not configured.
 *
 * @public
 */
export interface WorkloadLinks {
  grafana?: string;
  prometheus?: string;
}

/** What a link needs to know about a workload; all absent for fleet-wide links. */
export interface LinkTarget {
  cluster?: string;
  namespace?: string;
  workload?: string;
}

/** Builds the links from the two configured base URLs. */
export function buildWorkloadLinks(
  config: { grafanaUrl?: string; prometheusUrl?: string },
  target: LinkTarget = {},
): WorkloadLinks {
  return {
    grafana: config.grafanaUrl
      ? grafanaLink(config.grafanaUrl, target)
      : undefined,
    prometheus: config.prometheusUrl
      ? prometheusLink(config.prometheusUrl, target)
      : undefined,
  };
}

function grafanaLink(template: string, target: LinkTarget): string {
  const values: Record<string, string | undefined> = { ...target };
  if (/\{(cluster|namespace|workload)\}/.test(template)) {
    return template.replace(/\{(cluster|namespace|workload)\}/g, (_, key) =>
      encodeURIComponent(values[key] ?? ''),
    );
  }
  // Grafana reads dashboard variables from var-<name> query parameters
  const url = new URL(template);
  for (const [key, value] of Object.entries(values)) {
    if (value) url.searchParams.set(`var-${key}`, value);
  }
  return url.toString();
}

function prometheusLink(base: string, target: LinkTarget): string {
  const selectors = [
    target.namespace && `namespace="${target.namespace}"`,
    // pods of a Deployment are named <deployment>-<hash>-<suffix>
    target.workload && `pod=~"${target.workload}-.*"`,
  ].filter(Boolean);
  const expr = selectors.length
    ? `{${selectors.join(',')}}`
    : 'vllm:num_requests_waiting';
  return `${base.replace(/\/+$/, '')}/graph?g0.expr=${encodeURIComponent(
    expr,
  )}&g0.tab=0`;
}

/**
 * Links of one workload (or of the fleet, without a target) to Grafana and Prometheus, when configured.
 */
export function useInferenceLinks(target?: LinkTarget): WorkloadLinks {
  const config = useApi(configApiRef);
  const grafanaUrl = config.getOptionalString('inference.links.grafanaUrl');
  const prometheusUrl = config.getOptionalString(
    'inference.links.prometheusUrl',
  );
  const { cluster, namespace, workload } = target ?? {};
  return useMemo(
    () =>
      buildWorkloadLinks(
        { grafanaUrl, prometheusUrl },
        { cluster, namespace, workload },
      ),
    [grafanaUrl, prometheusUrl, cluster, namespace, workload],
  );
}
