/*
 * A server that accepts every watch and ends it at once (a misbehaving proxy or API server): the reflector must not
 * resume in a tight loop. The server here is a plain HTTP server speaking just enough of the Kubernetes API.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Reflector } from './Reflector';
import { TRACKED_RESOURCES } from './resources';

const pods = TRACKED_RESOURCES.find(r => r.id === 'pods')!;

async function serve(options: { cutWatches: boolean }) {
  const requests = { lists: 0, watches: 0, watchTimes: [] as number[] };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    res.setHeader('Content-Type', 'application/json');
    if (
      url.searchParams.get('watch') === 'true' ||
      url.searchParams.get('watch') === '1'
    ) {
      requests.watches += 1;
      requests.watchTimes.push(Date.now());
      res.writeHead(200);
      if (options.cutWatches) {
        res.end();
        return;
      }
      // a healthy server: keeps the watch open and sends one event
      res.write(
        `${JSON.stringify({
          type: 'ADDED',
          object: {
            kind: 'Pod',
            apiVersion: 'v1',
            metadata: { name: 'p', namespace: 'ns', resourceVersion: '2' },
          },
        })}\n`,
      );
      return;
    }
    requests.lists += 1;
    res.end(
      JSON.stringify({
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '1' },
        items: [],
      }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      { name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true },
    ],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  return { server, kubeConfig, requests };
}

function reflectorOn(kubeConfig: KubeConfig) {
  return new Reflector<any>({
    clusterName: 'c',
    kubeConfig,
    resource: pods,
    trim: raw => raw,
    sink: { replace() {}, upsert() {}, remove() {} },
    logger: mockServices.logger.mock(),
  });
}

async function until(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

describe('a server that accepts and cuts every watch', () => {
  it('is asked again once a second, not in a tight loop, and the reflector stays synced', async () => {
    const { server, kubeConfig, requests } = await serve({ cutWatches: true });
    const reflector = reflectorOn(kubeConfig);
    const running = reflector.run();
    await until(() => requests.watches >= 4);
    reflector.stop();
    await running;
    server.close();

    // one watch a second at most (the tight loop made ~1000 a second)
    const gaps = requests.watchTimes
      .slice(1)
      .map((t, i) => t - requests.watchTimes[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(950);
    expect(requests.lists).toBe(1);
    expect(reflector.stats.shortWatches).toBe(requests.watches);
    expect(reflector.stats.failures).toBe(0);
    expect(reflector.state.phase).toBe('synced');
  });

  it('does not slow a watch that delivers events', async () => {
    const { server, kubeConfig, requests } = await serve({ cutWatches: false });
    const reflector = reflectorOn(kubeConfig);
    const running = reflector.run();
    await until(() => reflector.stats.events === 1);
    reflector.stop();
    await running;
    server.close();
    expect(requests.watches).toBe(1);
    expect(reflector.stats.events).toBe(1);
    expect(reflector.stats.shortWatches).toBe(0);
  });
});
