import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import fs from 'node:fs';

/**
 * One cluster the backend tracks, with a client configuration ready for @kubernetes/client-node.
 *
 * @public
 */
export interface ClusterConnection {
  name: string;
  url: string;
  kubeConfig: KubeConfig;
}

/**
 * Reads the clusters to track. `inference.clusters` (same shape as the Kubernetes plugin's `config` locator) wins
 * when present; otherwise the Kubernetes plugin's `kubernetes.clusterLocatorMethods` of type `config` are used, so
 * users configure clusters once. `inference.kubeconfig.path` adds every context of a kubeconfig file.
 * Broken entries throw an error naming the config field.
 *
 * @public
 */
export function readClusterConnections(config: Config): ClusterConnection[] {
  const clusters: ClusterConnection[] = [];
  const own = config.getOptionalConfigArray('inference.clusters');
  if (own) {
    own.forEach((entry, i) =>
      clusters.push(readCluster(entry, `inference.clusters[${i}]`)),
    );
  } else {
    const methods =
      config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
    methods.forEach((method, i) => {
      const at = `kubernetes.clusterLocatorMethods[${i}]`;
      const type = method.getString('type');
      if (type !== 'config') {
        throw new Error(
          `${at}.type '${type}' is not supported by the inference plugin (it reads type 'config'); ` +
            `list the clusters under inference.clusters instead`,
        );
      }
      (method.getOptionalConfigArray('clusters') ?? []).forEach((entry, j) =>
        clusters.push(readCluster(entry, `${at}.clusters[${j}]`)),
      );
    });
  }

  const kubeconfigPath = config.getOptionalString('inference.kubeconfig.path');
  if (kubeconfigPath) {
    clusters.push(
      ...readKubeconfig(
        kubeconfigPath,
        config.getOptionalStringArray('inference.kubeconfig.contexts'),
      ),
    );
  }

  const seen = new Set<string>();
  for (const cluster of clusters) {
    if (seen.has(cluster.name)) {
      throw new Error(`Cluster name '${cluster.name}' is configured twice`);
    }
    seen.add(cluster.name);
  }
  return clusters;
}

function readCluster(entry: Config, at: string): ClusterConnection {
  const name = requireString(entry, 'name', at);
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/i.test(name)) {
    throw new Error(
      `${at}.name '${name}' must be letters, digits, '-' and '.'`,
    );
  }
  const url = requireString(entry, 'url', at);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${at}.url '${url}' is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(`${at}.url must be http(s), got '${parsed.protocol}'`);
  }

  const authProvider =
    entry.getOptionalString('authProvider') ?? 'serviceAccount';
  if (authProvider !== 'serviceAccount') {
    throw new Error(
      `${at}.authProvider '${authProvider}' is not supported by the inference plugin; use serviceAccount with serviceAccountToken`,
    );
  }
  const token = entry.getOptionalString('serviceAccountToken');
  const caFile = entry.getOptionalString('caFile');
  if (caFile && !fs.existsSync(caFile)) {
    throw new Error(`${at}.caFile '${caFile}' does not exist`);
  }
  const caData = entry.getOptionalString('caData');
  if (caData && !/^[A-Za-z0-9+/=\s]+$/.test(caData)) {
    throw new Error(`${at}.caData must be base64-encoded PEM`);
  }

  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name,
        server: url,
        // plain http has no certificate to verify; client-node refuses http unless this is set
        skipTLSVerify:
          entry.getOptionalBoolean('skipTLSVerify') ??
          parsed.protocol === 'http:',
        caData: caData?.replace(/\s/g, ''),
        caFile,
      },
    ],
    users: [{ name: `${name}-user`, token }],
    contexts: [{ name, cluster: name, user: `${name}-user` }],
    currentContext: name,
  });
  return { name, url, kubeConfig };
}

function readKubeconfig(
  path: string,
  onlyContexts: string[] | undefined,
): ClusterConnection[] {
  if (!fs.existsSync(path)) {
    throw new Error(`inference.kubeconfig.path '${path}' does not exist`);
  }
  const file = new KubeConfig();
  try {
    file.loadFromFile(path);
  } catch (error) {
    throw new Error(
      `inference.kubeconfig.path '${path}' is not a valid kubeconfig: ${error}`,
    );
  }
  const contexts = onlyContexts ?? file.getContexts().map(c => c.name);
  return contexts.map(contextName => {
    const context = file.getContextObject(contextName);
    if (!context) {
      throw new Error(
        `inference.kubeconfig.contexts: no context '${contextName}' in ${path}`,
      );
    }
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(path);
    kubeConfig.setCurrentContext(contextName);
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) {
      throw new Error(
        `inference.kubeconfig: context '${contextName}' names no cluster`,
      );
    }
    return { name: contextName, url: cluster.server, kubeConfig };
  });
}

function requireString(entry: Config, key: string, at: string): string {
  const value = entry.getOptional(key);
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`${at}.${key} is required and must be a non-empty string`);
  }
  return value;
}
