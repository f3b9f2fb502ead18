import { ResponseError } from '@backstage/errors';
import { Validator } from 'jsonschema';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { fakeInference } from '../__testUtils__/fakeInference';
import { createQuotaReleaseAction } from './quotaRelease';
import { createQuotaReserveAction } from './quotaReserve';

const input = {
  owner: 'ml-chat',
  gpuType: 'NVIDIA-H100-80GB-HBM3',
  gpus: 8,
  ttlSeconds: 1800,
  cluster: 'gpu-us-east',
  namespace: 'ml-chat',
  name: 'faq-bot',
};

describe('inference:quota:reserve', () => {
  it('reserves on behalf of the user with an idempotency key of the task', async () => {
    const inference = fakeInference({
      reserveGpus: jest.fn(
        async () => ({ id: 'r-1', expiresAt: '2026-11-27T12:00:00Z' } as any),
      ),
    });
    const ctx = createMockActionContext({ input });
    await createQuotaReserveAction({ inference }).handler(ctx);
    expect(inference.reserveGpus).toHaveBeenCalledWith(
      {
        owner: 'group:default/ml-chat',
        gpuType: 'NVIDIA-H100-80GB-HBM3',
        gpus: 8,
        ttlSeconds: 1800,
        idempotencyKey: `${ctx.task.id}:group:default/ml-chat:NVIDIA-H100-80GB-HBM3`,
        entityRef: undefined,
        workload: {
          cluster: 'gpu-us-east',
          namespace: 'ml-chat',
          name: 'faq-bot',
        },
      },
      { credentials: expect.anything() },
    );
    expect(ctx.output).toHaveBeenCalledWith('reservationId', 'r-1');
  });

  it('turns an exceeded quota into a clear input error with the numbers', async () => {
    const message =
      'GPU quota of group:default/ml-chat for NVIDIA-H100-80GB-HBM3 would be exceeded: used 18 + reserved 0 + requested 8 = 26 > limit 24 (6 free)';
    const inference = fakeInference({
      reserveGpus: jest.fn(async () => {
        throw await ResponseError.fromResponse(
          new Response(
            JSON.stringify({
              error: { name: 'ConflictError', message },
              response: { statusCode: 409 },
            }),
            {
              status: 409,
              headers: { 'Content-Type': 'application/json' },
            },
          ) as any,
        );
      }),
    });
    const error = await createQuotaReserveAction({ inference })
      .handler(createMockActionContext({ input }))
      .catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toBe(message);
  });

  it('holds nothing in a dry run, but says whether the quota would allow it', async () => {
    const standing = {
      owner: 'group:default/ml-chat',
      gpuType: 'NVIDIA-H100-80GB-HBM3',
      limit: 24,
      used: 18,
      reserved: 0,
      overLimit: false,
      workloads: [],
    };
    const inference = fakeInference({
      getQuotaStandings: jest.fn(async () => [standing]),
    });
    // the mock context of scaffolder-node-test-utils 0.3.14 drops isDryRun: set it afterwards
    const fits = {
      ...createMockActionContext({ input: { ...input, gpus: 6 } }),
      isDryRun: true,
    };
    await createQuotaReserveAction({ inference }).handler(fits);
    expect(inference.reserveGpus).not.toHaveBeenCalled();
    expect(fits.output).toHaveBeenCalledWith('reservationId', 'dry-run');

    const tooMany = { ...createMockActionContext({ input }), isDryRun: true };
    await expect(
      createQuotaReserveAction({ inference }).handler(tooMany),
    ).rejects.toThrow(
      'GPU quota of group:default/ml-chat for NVIDIA-H100-80GB-HBM3 would be exceeded: used 18 + reserved 0 + requested 8 = 26 > limit 24 (6 free)',
    );
    expect(inference.reserveGpus).not.toHaveBeenCalled();
  });

  it('refuses in a dry run when the owner has no quota line for the GPU type', async () => {
    const inference = fakeInference({
      getQuotaStandings: jest.fn(async () => []),
    });
    const dryRun = { ...createMockActionContext({ input }), isDryRun: true };
    await expect(
      createQuotaReserveAction({ inference }).handler(dryRun),
    ).rejects.toThrow(
      'group:default/ml-chat has no GPU quota for NVIDIA-H100-80GB-HBM3; ask the platform team for one (requested 8)',
    );
    expect(inference.reserveGpus).not.toHaveBeenCalled();
  });

  it.each([
    [{ namespace: 'ML_Chat' }, /namespace/],
    [{ owner: 'not a group!' }, /owner/],
    [{ gpus: 0 }, /gpus/],
  ])(
    'refuses bad input %p before calling the backend',
    async (overrides, message) => {
      // the scaffolder validates inputs against the action's JSON schema before the handler runs
      const schema = createQuotaReserveAction({ inference: fakeInference() })
        .schema!.input as any;
      const result = new Validator().validate(
        { ...input, ...overrides },
        schema,
      );
      expect(result.valid).toBe(false);
      expect(result.errors.map(e => e.property).join(' ')).toMatch(message);
    },
  );
});

describe('inference:quota:release', () => {
  it('releases with the user credentials', async () => {
    const inference = fakeInference({
      releaseReservation: jest.fn(async () => ({ state: 'released' } as any)),
    });
    const ctx = createMockActionContext({ input: { reservationId: 'r-1' } });
    await createQuotaReleaseAction({ inference }).handler(ctx);
    expect(inference.releaseReservation).toHaveBeenCalledWith('r-1', {
      credentials: expect.anything(),
    });
    expect(ctx.output).toHaveBeenCalledWith('state', 'released');
  });
});
