import { createHash } from 'crypto';
import { startSimulator, SimulatorHandle } from '../startSimulator';

describe('registry mirror on the control port', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({
      scenario: 'demo',
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
    });
  });
  afterAll(() => sim.stop());

  it('serves manifests whose digest is the sha256 of the bytes served', async () => {
    const url = `${sim.controlUrl}/v2/vllm/vllm-openai/manifests/v0.10.1.1`;
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const digest = head.headers.get('docker-content-digest')!;
    const body = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(digest).toBe(
      `sha256:${createHash('sha256').update(body).digest('hex')}`,
    );
    // the same digest by reference, and a different tag has a different digest
    expect(
      (await fetch(`${sim.controlUrl}/v2/vllm/vllm-openai/manifests/${digest}`))
        .status,
    ).toBe(200);
    const other = await fetch(
      `${sim.controlUrl}/v2/vllm/vllm-openai/manifests/v0.11.0`,
      { method: 'HEAD' },
    );
    expect(other.headers.get('docker-content-digest')).not.toBe(digest);
    expect(
      (
        await fetch(
          `${sim.controlUrl}/v2/vllm/vllm-openai/manifests/sha256:${'1'.repeat(
            64,
          )}`,
        )
      ).status,
    ).toBe(404);
    expect(
      (await fetch(`${sim.controlUrl}/v2/`)).headers.get(
        'docker-distribution-api-version',
      ),
    ).toBe('registry/2.0');
  });
});
