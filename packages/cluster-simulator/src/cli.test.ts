/*
 * The CLI as `npm start` runs it: a child process that prints where clusters
 * listen, writes the kubeconfig, app-config fragment and summary, and stops
 * on SIGTERM.
 */
import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import YAML from 'yaml';

const bin = path.resolve(__dirname, '../bin/cluster-simulator');

describe('cluster-simulator CLI', () => {
  it('starts the demo fleet, writes its configuration, answers with the tokens it wrote, and stops on SIGTERM', async () => {
    const dir = fs.mkdtempSync(
      path.join(os.tmpdir(), 'cluster-simulator-cli-'),
    );
    const files = {
      kubeconfig: path.join(dir, 'kubeconfig'),
      appConfig: path.join(dir, 'app-config.yaml'),
      summary: path.join(dir, 'summary.json'),
    };
    const child = spawn(
      process.execPath,
      [
        bin,
        '--scenario',
        'demo',
        '--no-tls',
        '--json',
        '--kubeconfig',
        files.kubeconfig,
        '--write-config',
        files.appConfig,
        '--summary',
        files.summary,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let out = '';
      child.stdout.on('data', d => {
        out += d;
      });
      const deadline = Date.now() + 60_000;
      while (!out.includes('\n') && Date.now() < deadline)
        await new Promise(r => setTimeout(r, 100));
      const summary = JSON.parse(out.split('\n')[0]);
      expect(summary.clusters.map((c: { name: string }) => c.name)).toEqual([
        'gpu-us-east',
        'gpu-eu-west',
        'gpu-batch',
      ]);
      expect(JSON.parse(fs.readFileSync(files.summary, 'utf8'))).toEqual(
        summary,
      );
      const kubeconfig = YAML.parse(fs.readFileSync(files.kubeconfig, 'utf8'));
      expect(kubeconfig.contexts.map((c: { name: string }) => c.name)).toEqual([
        'gpu-us-east',
        'gpu-eu-west',
        'gpu-batch',
      ]);
      const appConfig = YAML.parse(fs.readFileSync(files.appConfig, 'utf8'));
      const cluster = appConfig.kubernetes.clusterLocatorMethods[0].clusters[0];
      expect(cluster).toEqual({
        name: 'gpu-us-east',
        url: summary.clusters[0].url,
        authProvider: 'serviceAccount',
        serviceAccountToken: summary.clusters[0].token,
        skipTLSVerify: true,
      });
      const res = await fetch(`${cluster.url}/api/v1/namespaces/ml-chat`, {
        headers: { Authorization: `Bearer ${cluster.serviceAccountToken}` },
      });
      expect(
        (await res.json()).metadata.labels['inference-platform.io/owner'],
      ).toBe('ml-chat');
      const exited = new Promise<number | null>(resolve =>
        child.on('exit', code => resolve(code)),
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
