/*
 * An independent client: Debian's kubectl against the simulator's kubeconfig
 * (over TLS, since kubectl only sends bearer tokens over HTTPS). Outputs are
 * compared with what the simulator holds. Without kubectl the suite is skipped
 * locally and fails under CI=true.
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { resourceById } from './api/resources';
import { SimulatorHandle, startSimulator } from './startSimulator';

const run = promisify(execFile);

// kubectl is a process of its own, each call given up to 30 s; the simulator starts with TLS and runs two minutes of
// the demo first. On CI's shared cores that takes longer than jest's default 5 s.
jest.setTimeout(120_000);

/** Waits until `done()` holds, polling; fails naming `what` after `timeoutMs`. */
async function waitUntil(done: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

function findKubectl(): string | undefined {
  const candidates = [
    process.env.KUBECTL,
    '/usr/bin/kubectl',
    // Debian's kubernetes-client unpacked beside a conflicting kubectl package
    '/opt/debian-kubernetes-client/usr/bin/kubectl',
    ...(process.env.PATH ?? '').split(':').map(d => path.join(d, 'kubectl')),
  ];
  // prefer Debian's client when both exist: it is the one CI installs
  const debian = '/opt/debian-kubernetes-client/usr/bin/kubectl';
  if (!process.env.KUBECTL && fs.existsSync(debian)) return debian;
  return candidates.find(c => c && fs.existsSync(c));
}

const kubectlPath = findKubectl();
const ci = process.env.CI === 'true';

/**
 * Flags for `-o json` to include metadata.managedFields: kubectl 1.21 and later hide them unless
 * `--show-managed-fields` is passed, and Debian's 1.20 (the one CI installs) has no such flag but shows them.
 * The client says its version in `kubectl version --client -o json` (minor versions may read "32+").
 */
async function managedFieldsFlags(kubectl: string): Promise<string[]> {
  const { stdout } = await run(kubectl, ['version', '--client', '-o', 'json'], {
    timeout: 30_000,
  });
  const { major, minor } = JSON.parse(stdout).clientVersion;
  const [maj, min] = [parseInt(major, 10), parseInt(minor, 10)];
  return maj > 1 || (maj === 1 && min >= 21) ? ['--show-managed-fields'] : [];
}

if (!kubectlPath && ci) {
  describe('kubectl against the simulator', () => {
    it('needs kubectl in CI (apt-get install -y kubernetes-client)', () => {
      expect(kubectlPath).toBeDefined();
    });
  });
}

// a skipped suite says why in its title, which npm test's summary (scripts/test.mjs) reports
const skipWithoutKubectl = (title: string, suite: () => void) =>
  describe.skip(
    // eslint-disable-next-line jest/valid-describe-callback -- a wrapper: each suite passes its own
    `${title} [skipped: kubectl: not found (KUBECTL, /usr/bin/kubectl or PATH), apt-get install kubernetes-client]`,
    suite,
  );

(kubectlPath ? describe : skipWithoutKubectl)(
  'kubectl against the simulator',
  () => {
    let sim: SimulatorHandle;
    let dir: string;
    let kubeconfig: string;
    let showManagedFields: string[];
    const kubectl = async (...args: string[]) => {
      const { stdout } = await run(
        kubectlPath!,
        ['--kubeconfig', kubeconfig, ...args],
        { timeout: 30_000 },
      );
      return stdout;
    };
    const rows = (out: string) =>
      out
        .trim()
        .split('\n')
        .slice(1)
        .map(l => l.trim().split(/\s{2,}/));

    beforeAll(async () => {
      dir = fs.mkdtempSync(
        path.join(os.tmpdir(), 'cluster-simulator-kubectl-'),
      );
      kubeconfig = path.join(dir, 'kubeconfig');
      showManagedFields = await managedFieldsFlags(kubectlPath!);
      sim = await startSimulator({
        scenario: 'demo',
        tls: true,
        clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
        controlPort: false,
        kubeconfigPath: kubeconfig,
      });
      await sim.advance(120_000);
    });

    afterAll(async () => {
      await sim?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('get nodes -o wide shows the nodes with their addresses and versions', async () => {
      const out = await kubectl(
        '--context',
        'gpu-us-east',
        'get',
        'nodes',
        '-o',
        'wide',
      );
      expect(out.split('\n')[0]).toMatch(
        /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME/,
      );
      const store = sim.cluster('gpu-us-east').store;
      const expected = Array.from(
        store.table(resourceById('core/nodes')).values(),
        s => {
          const n = JSON.parse(s.json);
          return [
            n.metadata.name,
            n.status.addresses.find(
              (a: { type: string }) => a.type === 'InternalIP',
            ).address,
          ];
        },
      );
      const got = rows(out).map(r => [r[0], r[5]]);
      expect(got).toEqual(expected);
      expect(
        rows(out).every(
          r => r[1] === 'Ready' && r[4] === 'v1.31.4-eks-aeac579',
        ),
      ).toBe(true);
    });

    it('get pods -A -l selects by label across namespaces', async () => {
      const out = await kubectl(
        '--context',
        'gpu-us-east',
        'get',
        'pods',
        '-A',
        '-l',
        'inference-platform.io/owner=ml-chat,backstage.io/kubernetes-id in (support-chat-llm,code-assistant-llm)',
      );
      const got = rows(out).map(r => ({
        ns: r[0],
        name: r[1],
        ready: r[2],
        status: r[3],
      }));
      expect(got).toHaveLength(4);
      expect(
        got
          .filter(p => p.name.startsWith('support-chat-llm-'))
          .every(p => p.ready === '1/1' && p.status === 'Running'),
      ).toBe(true);
      expect(
        got
          .filter(p => p.name.startsWith('code-assistant-llm-'))
          .every(
            p =>
              p.ready === '0/1' &&
              /CrashLoopBackOff|Error|Running/.test(p.status),
          ),
      ).toBe(true);
      const names = Array.from(
        sim
          .cluster('gpu-us-east')
          .store.table(resourceById('core/pods'))
          .values('ml-chat'),
        s => s.name,
      );
      expect(got.map(p => p.name).sort()).toEqual(names.sort());
    });

    it('apply --server-side creates a Deployment whose pods get -w sees, and delete removes it', async () => {
      await kubectl(
        '--context',
        'gpu-eu-west',
        'create',
        'namespace',
        'kubectl-test',
      );
      const manifest = path.join(dir, 'deploy.yaml');
      fs.writeFileSync(
        manifest,
        [
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata: {name: hello, namespace: kubectl-test, labels: {app: hello}}',
          'spec:',
          '  replicas: 2',
          '  selector: {matchLabels: {app: hello}}',
          '  template:',
          '    metadata: {labels: {app: hello}}',
          '    spec: {containers: [{name: web, image: "nginx:1.27", ports: [{containerPort: 80}]}]}',
          '',
        ].join('\n'),
      );
      const watched = { out: '' };
      const watches = () => sim.cluster('gpu-eu-west').watches.size;
      const watchesBefore = watches();
      const watch: ChildProcess = spawn(kubectlPath!, [
        '--kubeconfig',
        kubeconfig,
        '--context',
        'gpu-eu-west',
        'get',
        'pods',
        '-w',
        '-n',
        'kubectl-test',
      ]);
      watch.stdout!.on('data', d => {
        watched.out += d;
      });
      try {
        // once the API server holds kubectl's watch, every change of the apply reaches it
        await waitUntil(
          () => watches() > watchesBefore,
          30_000,
          'kubectl get pods -w to open its watch',
        );
        expect(
          await kubectl(
            '--context',
            'gpu-eu-west',
            'apply',
            '--server-side',
            '-f',
            manifest,
          ),
        ).toContain('deployment.apps/hello serverside-applied');
        for (let i = 0; i < 10; i++) {
          await sim.advance(1000);
          await new Promise(r => setTimeout(r, 50));
        }
        const pods = Array.from(
          sim
            .cluster('gpu-eu-west')
            .store.table(resourceById('core/pods'))
            .values('kubectl-test'),
          s => JSON.parse(s.json),
        );
        expect(pods).toHaveLength(2);
        const runningIn = (out: string) =>
          pods.every(p =>
            new RegExp(`${p.metadata.name}\\s+1/1\\s+Running`).test(out),
          );
        await waitUntil(
          () => runningIn(watched.out),
          30_000,
          'kubectl get pods -w to show both pods running',
        ).catch(() => {
          // the expectations below say which line is missing
        });
        for (const p of pods) {
          expect(watched.out).toMatch(
            new RegExp(
              `${p.metadata.name}\\s+0/1\\s+(Pending|ContainerCreating)`,
            ),
          );
          expect(watched.out).toMatch(
            new RegExp(`${p.metadata.name}\\s+1/1\\s+Running`),
          );
        }
        const deploy = JSON.parse(
          await kubectl(
            '--context',
            'gpu-eu-west',
            'get',
            'deployment',
            'hello',
            '-n',
            'kubectl-test',
            '-o',
            'json',
            ...showManagedFields,
          ),
        );
        expect(deploy.status).toMatchObject({
          replicas: 2,
          readyReplicas: 2,
          availableReplicas: 2,
        });
        // the server-side apply's ownership, as kubectl reads it back (any client version)
        expect(deploy.metadata.managedFields).toContainEqual(
          expect.objectContaining({ manager: 'kubectl', operation: 'Apply' }),
        );
        expect(
          await kubectl('--context', 'gpu-eu-west', 'delete', '-f', manifest),
        ).toContain('deployment.apps "hello" deleted');
        for (let i = 0; i < 10; i++) await sim.advance(1000);
        expect(
          sim
            .cluster('gpu-eu-west')
            .store.count(resourceById('apps/replicasets'), 'kubectl-test'),
        ).toBe(0);
        expect(
          sim
            .cluster('gpu-eu-west')
            .store.count(resourceById('core/pods'), 'kubectl-test'),
        ).toBe(0);
      } finally {
        watch.kill();
      }
    });

    it('a service-account token gets the API server Forbidden error, worded as kubectl shows it', async () => {
      const token = sim.createServiceAccountToken(
        'gpu-us-east',
        'default',
        'kubectl-robot',
      );
      const denied = await kubectl(
        '--context',
        'gpu-us-east',
        '--token',
        token,
        'get',
        'secrets',
        '-n',
        'ml-chat',
      ).then(
        () => '',
        (e: { stderr: string }) => e.stderr,
      );
      expect(denied).toContain(
        'Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:default:kubectl-robot" cannot list resource "secrets" in API group "" in the namespace "ml-chat"',
      );
      await kubectl(
        '--context',
        'gpu-us-east',
        'create',
        'rolebinding',
        'robot-view',
        '--clusterrole',
        'simulator:read-only',
        '--serviceaccount',
        'default:kubectl-robot',
        '-n',
        'ml-chat',
      );
      const out = await kubectl(
        '--context',
        'gpu-us-east',
        '--token',
        token,
        'get',
        'secrets',
        '-n',
        'ml-chat',
      );
      expect(out).toMatch(/^hf-token\s/m);
    });
  },
);
