/*
 * What clients need to reach the simulated fleet: a kubeconfig (for kubectl
 * and @kubernetes/client-node) and a Backstage app-config fragment
 * (`kubernetes.clusterLocatorMethods`, type config) for the Kubernetes plugin
 * and the inference plugin.
 */
import YAML from 'yaml';

/** Where and how to reach one simulated cluster. @public */
export interface ClusterEndpoint {
  name: string;
  /** base URL (https when TLS is on) */
  url: string;
  /** plain-HTTP base URL of the same server (the port speaks both when TLS is on) */
  httpUrl: string;
  token: string;
  readOnlyToken?: string;
  /** PEM of the self-signed CA when TLS is on */
  caPem?: string;
}

/** A kubeconfig with one context per cluster (context name = cluster name). */
export function buildKubeconfig(
  clusters: ClusterEndpoint[],
  currentContext?: string,
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: clusters.map(c => ({
      name: c.name,
      cluster: {
        server: c.url,
        ...(c.caPem
          ? {
              'certificate-authority-data': Buffer.from(c.caPem).toString(
                'base64',
              ),
            }
          : {}),
      },
    })),
    users: clusters.map(c => ({
      name: `${c.name}-admin`,
      user: { token: c.token },
    })),
    contexts: clusters.map(c => ({
      name: c.name,
      context: {
        cluster: c.name,
        user: `${c.name}-admin`,
        namespace: 'default',
      },
    })),
    'current-context': currentContext ?? clusters[0]?.name ?? '',
  };
}

/** The `kubernetes` section of a Backstage app-config for the fleet. */
export function buildAppConfig(
  clusters: ClusterEndpoint[],
): Record<string, unknown> {
  return {
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: clusters.map(c => ({
            name: c.name,
            url: c.url,
            authProvider: 'serviceAccount',
            serviceAccountToken: c.token,
            skipTLSVerify: true,
          })),
        },
      ],
    },
  };
}

/** YAML text of a document. */
export function toYaml(doc: unknown): string {
  return YAML.stringify(doc, { lineWidth: 0 });
}
