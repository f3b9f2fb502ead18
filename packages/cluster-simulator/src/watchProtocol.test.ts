/*
 * The watch protocol on the wire: initial state, resume from a
 * resourceVersion, bookmarks, selector transitions (ADDED/DELETED when an
 * object enters or leaves the selection), 410 Gone as an ERROR event,
 * timeoutSeconds, and server-side printing for `kubectl get -w`.
 */
import http from 'http';
import { resourceById } from './api/resources';
import { SimulatorHandle, startSimulator } from './startSimulator';

const CM = resourceById('core/configmaps');

interface WatchLine {
  type: string;
  object: Record<string, any>;
}

function openWatch(
  url: string,
  token: string,
  headers: Record<string, string> = {},
) {
  const lines: WatchLine[] = [];
  let ended = false;
  let status = 0;
  const req = http.get(
    url,
    { headers: { Authorization: `Bearer ${token}`, ...headers } },
    res => {
      status = res.statusCode ?? 0;
      let buf = '';
      res.on('data', chunk => {
        const parts = (buf + chunk).split('\n');
        buf = parts.pop()!;
        for (const line of parts) lines.push(JSON.parse(line));
      });
      res.on('end', () => {
        ended = true;
      });
      res.on('error', () => {
        ended = true;
      });
    },
  );
  req.on('error', () => {
    ended = true;
  });
  return {
    lines,
    get ended() {
      return ended;
    },
    get status() {
      return status;
    },
    close: () => req.destroy(),
  };
}

async function until(fn: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise(r => setTimeout(r, 10));
  }
}

describe('watch protocol', () => {
  let sim: SimulatorHandle;
  let base: string;
  let token: string;
  const create = (name: string, labels: Record<string, string> = {}) =>
    sim.cluster('gpu-batch').api.create(CM, 'default', {
      metadata: { name, labels },
      data: { v: '0' },
    });
  const patch = (name: string, body: unknown) =>
    sim.cluster('gpu-batch').api.patch(CM, 'default', name, 'merge', body);

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: 'demo',
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
      controlPort: false,
      bookmarkIntervalMs: 100,
      history: { maxEvents: 10_000, maxAgeMs: 60_000 },
    });
    const c = sim.clusters.find(x => x.name === 'gpu-batch')!;
    base = c.httpUrl;
    token = c.token;
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('sends the current state as ADDED, then changes, then bookmarks', async () => {
    create('w-initial', { team: 'a' });
    const w = openWatch(
      `${base}/api/v1/namespaces/default/configmaps?watch=1&allowWatchBookmarks=true`,
      token,
    );
    await until(
      () => w.lines.some(l => l.object.metadata?.name === 'w-initial'),
      'initial ADDED',
    );
    expect(w.status).toBe(200);
    expect(w.lines[0].type).toBe('ADDED');
    patch('w-initial', { data: { v: '1' } });
    await until(() => w.lines.some(l => l.type === 'MODIFIED'), 'MODIFIED');
    // a bookmark may also come before the change (100 ms interval): look at one after it
    const modifiedAt = w.lines.findIndex(l => l.type === 'MODIFIED');
    const after = () =>
      w.lines.slice(modifiedAt).find(l => l.type === 'BOOKMARK');
    await until(() => !!after(), 'BOOKMARK');
    const bookmark = after()!;
    expect(bookmark.object).toMatchObject({
      kind: 'ConfigMap',
      apiVersion: 'v1',
    });
    expect(
      Number(bookmark.object.metadata.resourceVersion),
    ).toBeGreaterThanOrEqual(
      Number(
        w.lines.find(l => l.type === 'MODIFIED')!.object.metadata
          .resourceVersion,
      ),
    );
    w.close();
  });

  it('resumes from a resourceVersion without replaying older changes', async () => {
    const first = create('w-resume');
    patch('w-resume', { data: { v: 'a' } });
    patch('w-resume', { data: { v: 'b' } });
    const w = openWatch(
      `${base}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${first.rv}&fieldSelector=metadata.name%3Dw-resume`,
      token,
    );
    await until(() => w.lines.length >= 2, 'two MODIFIED');
    expect(w.lines.map(l => `${l.type}:${l.object.data.v}`)).toEqual([
      'MODIFIED:a',
      'MODIFIED:b',
    ]);
    w.close();
  });

  it('reports objects entering and leaving a label selection as ADDED and DELETED', async () => {
    create('w-select', { tier: 'gold' });
    const w = openWatch(
      `${base}/api/v1/namespaces/default/configmaps?watch=1&labelSelector=tier%3Dgold`,
      token,
    );
    await until(
      () => w.lines.some(l => l.object.metadata?.name === 'w-select'),
      'initial',
    );
    patch('w-select', { metadata: { labels: { tier: 'silver' } } });
    await until(
      () => w.lines.some(l => l.type === 'DELETED'),
      'DELETED on leaving the selection',
    );
    patch('w-select', { metadata: { labels: { tier: 'gold' } } });
    await until(
      () => w.lines.filter(l => l.type === 'ADDED').length === 2,
      'ADDED on re-entering',
    );
    expect(
      w.lines.map(l => `${l.type}:${l.object.metadata.labels.tier}`),
    ).toEqual(['ADDED:gold', 'DELETED:gold', 'ADDED:gold']);
    w.close();
  });

  it('answers a resume from compacted history with an ERROR event carrying 410 Gone', async () => {
    const old = create('w-gone');
    patch('w-gone', { data: { v: 'x' } });
    sim.cluster('gpu-batch').store.compact();
    const w = openWatch(
      `${base}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${old.rv}`,
      token,
    );
    await until(() => w.ended, 'stream end');
    expect(w.status).toBe(200);
    expect(w.lines).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'Expired',
          code: 410,
        }),
      },
    ]);
    expect(w.lines[0].object.message).toMatch(
      /^too old resource version: \d+ \(\d+\)$/,
    );
  });

  it('ends a watch after timeoutSeconds', async () => {
    const w = openWatch(
      `${base}/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1&resourceVersion=${
        sim.cluster('gpu-batch').store.currentRevision
      }`,
      token,
    );
    await until(() => w.ended, 'timeout');
    expect(w.lines).toEqual([]);
  });

  it('streams Table rows for kubectl get -w', async () => {
    const w = openWatch(
      `${base}/api/v1/namespaces/default/configmaps?watch=1`,
      token,
      {
        Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      },
    );
    await until(() => w.lines.length > 0, 'first row');
    const first = w.lines[0].object;
    expect(first.kind).toBe('Table');
    expect(
      first.columnDefinitions.map((c: { name: string }) => c.name),
    ).toEqual(['Name', 'Data', 'Age']);
    expect(first.rows[0].cells[0]).toBe(
      w.lines[0].object.rows[0].object.metadata.name,
    );
    w.close();
  });

  it('lists across pages from one snapshot revision and rejects expired continue tokens with 410', async () => {
    for (let i = 0; i < 5; i++) create(`w-page-${i}`);
    const get = (q: string) =>
      fetch(`${base}/api/v1/namespaces/default/configmaps?${q}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
    const page1 = await (await get('limit=2')).json();
    create('w-page-9');
    const page2 = await (
      await get(
        `limit=2&continue=${encodeURIComponent(page1.metadata.continue)}`,
      )
    ).json();
    expect(page2.metadata.resourceVersion).toBe(page1.metadata.resourceVersion);
    sim.cluster('gpu-batch').store.compact();
    const expired = await get(
      `limit=2&continue=${encodeURIComponent(page2.metadata.continue)}`,
    );
    expect(expired.status).toBe(410);
    expect(await expired.json()).toMatchObject({
      kind: 'Status',
      reason: 'Expired',
      code: 410,
    });
  });
});
