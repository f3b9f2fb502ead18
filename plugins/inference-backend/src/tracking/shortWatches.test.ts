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
  const requests = { lists: 0, watches: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    res.setHeader('Content-Type', 'application/json');
    if (
      url.searchParams.get('watch') === 'true' ||
      url.searchParams.get('watch') === '1'
    ) {
      requests.watches += 1;
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

const waitMs = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('a server that accepts and cuts every watch', () => {
  it('is asked again once a second, not in a tight loop, and the reflector stays synced', async () => {
    const { server, kubeConfig, requests } = await serve({ cutWatches: true });
    const reflector = reflectorOn(kubeConfig);
    const running = reflector.run();
    // one watch a second: at 0, 1, 2 and perhaps 3 s
    await waitMs(3000);
    reflector.stop();
    await running;
    server.close();

    expect(requests.lists).toBe(1);
    expect(requests.watches).toBeGreaterThanOrEqual(3);
    expect(requests.watches).toBeLessThanOrEqual(4);
    expect(reflector.stats.shortWatches).toBe(requests.watches);
    expect(reflector.stats.failures).toBe(0);
    expect(reflector.state.phase).toBe('synced');
  });

  it('does not slow a watch that delivers events', async () => {
    const { server, kubeConfig, requests } = await serve({ cutWatches: false });
    const reflector = reflectorOn(kubeConfig);
    const running = reflector.run();
    await waitMs(500);
    reflector.stop();
    await running;
    server.close();
    expect(requests.watches).toBe(1);
    expect(reflector.stats.events).toBe(1);
    expect(reflector.stats.shortWatches).toBe(0);
  });
});
