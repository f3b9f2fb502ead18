import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readClusterConnections } from './clusterConfig';

function read(data: object) {
  return readClusterConnections(new ConfigReader(data as any));
}

const kubernetesConfig = (clusters: object[]) => ({
  kubernetes: {
    clusterLocatorMethods: [{ type: 'config', clusters }],
  },
});

describe('readClusterConnections', () => {
  it("reads the Kubernetes plugin's clusters, with token and TLS settings", () => {
    const [cluster] = read(
      kubernetesConfig([
        {
          name: 'gpu-us-east',
          url: 'https://10.0.0.1:6443',
          authProvider: 'serviceAccount',
          serviceAccountToken: 'secret-token',
          skipTLSVerify: true,
        },
      ]),
    );
    expect(cluster.name).toBe('gpu-us-east');
    expect(cluster.url).toBe('https://10.0.0.1:6443');
    expect(cluster.kubeConfig.getCurrentCluster()).toMatchObject({
      server: 'https://10.0.0.1:6443',
      skipTLSVerify: true,
    });
    expect(cluster.kubeConfig.getCurrentUser()?.token).toBe('secret-token');
  });

  it('prefers inference.clusters over the Kubernetes plugin config', () => {
    const clusters = read({
      ...kubernetesConfig([{ name: 'a', url: 'https://a' }]),
      inference: { clusters: [{ name: 'b', url: 'http://127.0.0.1:1234' }] },
    });
    expect(clusters.map(c => c.name)).toEqual(['b']);
  });

  it('adds every context of a kubeconfig file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-'));
    const file = path.join(dir, 'config');
    fs.writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: one',
        '  cluster: { server: "http://127.0.0.1:1" }',
        '- name: two',
        '  cluster: { server: "http://127.0.0.1:2" }',
        'users:',
        '- name: u',
        '  user: { token: t }',
        'contexts:',
        '- name: ctx-one',
        '  context: { cluster: one, user: u }',
        '- name: ctx-two',
        '  context: { cluster: two, user: u }',
        'current-context: ctx-one',
      ].join('\n'),
    );
    const clusters = read({
      inference: { clusters: [], kubeconfig: { path: file } },
    });
    expect(clusters.map(c => [c.name, c.url])).toEqual([
      ['ctx-one', 'http://127.0.0.1:1'],
      ['ctx-two', 'http://127.0.0.1:2'],
    ]);
  });

  it.each([
    [
      kubernetesConfig([{ url: 'https://a' }]),
      'kubernetes.clusterLocatorMethods[0].clusters[0].name is required',
    ],
    [
      kubernetesConfig([{ name: 'a', url: 'not a url' }]),
      "kubernetes.clusterLocatorMethods[0].clusters[0].url 'not a url' is not a URL",
    ],
    [
      kubernetesConfig([{ name: 'a', url: 'ftp://a' }]),
      'kubernetes.clusterLocatorMethods[0].clusters[0].url must be http(s)',
    ],
    [
      kubernetesConfig([
        { name: 'a', url: 'https://a', authProvider: 'google' },
      ]),
      "kubernetes.clusterLocatorMethods[0].clusters[0].authProvider 'google' is not supported",
    ],
    [
      kubernetesConfig([
        { name: 'a', url: 'https://a', caFile: '/nope/ca.crt' },
      ]),
      "kubernetes.clusterLocatorMethods[0].clusters[0].caFile '/nope/ca.crt' does not exist",
    ],
    [
      { kubernetes: { clusterLocatorMethods: [{ type: 'gke' }] } },
      "kubernetes.clusterLocatorMethods[0].type 'gke' is not supported by the inference plugin",
    ],
    [
      kubernetesConfig([
        { name: 'a', url: 'https://a' },
        { name: 'a', url: 'https://b' },
      ]),
      "Cluster name 'a' is configured twice",
    ],
    [
      { inference: { kubeconfig: { path: '/nope/kubeconfig' } } },
      "inference.kubeconfig.path '/nope/kubeconfig' does not exist",
    ],
  ])('fails at startup naming the broken field (%#)', (config, message) => {
    expect(() => read(config)).toThrow(message);
  });
});
