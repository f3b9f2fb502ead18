/*
 * What the tracker benchmarks share: the list/watch benchmark's simulator process (scale scenario, manual clock,
 * commands over IPC) and connections to its clusters.
 */
import { ChildProcess, fork } from 'node:child_process';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterConnection } from '../../plugins/inference-node/src';

/** A cluster of the simulator process, as its `ready` message lists it. */
export interface SimulatedCluster {
  name: string;
  url: string;
  token: string;
}

/** Connections as the plugin builds them from config: bearer token, self-signed TLS accepted. */
export function connectionsTo(
  clusters: SimulatedCluster[],
): ClusterConnection[] {
  return clusters.map(c => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: c.name, server: c.url, skipTLSVerify: true }],
      users: [{ name: 'bench', token: c.token }],
      contexts: [{ name: c.name, cluster: c.name, user: 'bench' }],
      currentContext: c.name,
    });
    return { name: c.name, url: c.url, kubeConfig };
  });
}

/**
 * Resolves with the next message of `type` from a forked child. nodeTransform also messages the parent about every
 * file it compiles, so messages are told apart by type.
 */
export function nextMessage(child: ChildProcess, type: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: any) => {
      if (m?.type !== type) return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.once('exit', code =>
      reject(new Error(`${type}: the child process exited with ${code}`)),
    );
  });
}

/** Forks a TypeScript file of this repository with the same transform the backend uses. */
export function forkTs(
  file: string,
  args: string[],
  execArgv: string[] = [],
): ChildProcess {
  return fork(file, args, {
    execArgv: [...execArgv, '-r', '@backstage/cli/config/nodeTransform.cjs'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

/** The list/watch benchmark's simulator process with the scale scenario; resolves once every pod runs. */
export async function forkScaleSimulator(options: {
  clusters: number;
  workloads: number;
  pods: number;
  historyEvents: number;
}): Promise<{
  child: ChildProcess;
  clusters: SimulatedCluster[];
  startupMs: number;
}> {
  const child = forkTs(
    require.resolve(
      '../../packages/cluster-simulator/bench/simulatorProcess.ts',
    ),
    [JSON.stringify({ ...options, latencyMs: 0 })],
  );
  const ready = await nextMessage(child, 'ready');
  return { child, clusters: ready.clusters, startupMs: ready.startupMs };
}
