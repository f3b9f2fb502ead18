import fc from 'fast-check';
import { findGpuPrice, resolveGpuPrices } from '../catalog/prices';
import {
  costOfGpuHours,
  costPerMillionTokens,
  gpuHours,
  idleSpend,
  saasCost,
  summarizeCost,
} from './cost';

const prices = resolveGpuPrices();
const H100 = 'NVIDIA-H100-80GB-HBM3';

describe('cost model', () => {
  it('prices GPU-hours per GPU type and price kind, and splits out idle spend', () => {
    const summary = summarizeCost({
      usage: [
        {
          gpuType: H100,
          allocatedGpuHours: gpuHours(2, 24 * 7),
          utilization: 0.25,
        },
        {
          gpuType: 'NVIDIA-L4',
          allocatedGpuHours: 100,
          utilization: 1,
          priceKind: 'spot',
        },
        {
          gpuType: 'NVIDIA-H100-PCIe',
          allocatedGpuHours: 10,
          utilization: 0.5,
        },
      ],
      tokens: { inputTokens: 300e6, outputTokens: 100e6 },
      prices,
      saasPrices: [
        { name: 'api-large', inputUsdPerMillion: 3, outputUsdPerMillion: 15 },
      ],
    });
    const h100Cost = 336 * 6.88;
    const l4Cost = 100 * 0.8048 * 0.4;
    expect(summary.gpuHours).toBe(446);
    expect(summary.costUsd).toBeCloseTo(h100Cost + l4Cost, 6);
    expect(summary.idleCostUsd).toBeCloseTo(h100Cost * 0.75, 6);
    expect(summary.idlePercent).toBeCloseTo(
      (h100Cost * 0.75 * 100) / (h100Cost + l4Cost),
      6,
    );
    expect(summary.costPerMillionTokensUsd).toBeCloseTo(
      (h100Cost + l4Cost) / 400,
      6,
    );
    expect(summary.saasComparison).toEqual([
      { name: 'api-large', costUsd: 2400, ratio: (h100Cost + l4Cost) / 2400 },
    ]);
    expect(summary.unpricedGpuTypes).toEqual(['NVIDIA-H100-PCIe']);
    expect(
      summary.byGpuType.find(b => b.gpuType === 'NVIDIA-L4'),
    ).toMatchObject({ isDefaultPrice: true, usdPerGpuHour: 0.8048 * 0.4 });
  });

  it('handles no tokens and no spend', () => {
    expect(
      costPerMillionTokens(10, { inputTokens: 0, outputTokens: 0 }),
    ).toBeUndefined();
    expect(
      summarizeCost({
        usage: [],
        tokens: { inputTokens: 0, outputTokens: 0 },
        prices,
      }).idlePercent,
    ).toBe(0);
  });

  it('clamps utilisation into 0..1 for idle spend', () => {
    expect(idleSpend(10, 1.3, 2)).toBe(0);
    expect(idleSpend(10, -0.2, 2)).toBe(20);
  });

  it('is linear in hours', () => {
    const rate = findGpuPrice(prices, H100)!.usdPerGpuHour['on-demand'];
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (a, b, util) => {
          expect(costOfGpuHours(a + b, rate)).toBeCloseTo(
            costOfGpuHours(a, rate) + costOfGpuHours(b, rate),
            6,
          );
          expect(idleSpend(a + b, util, rate)).toBeCloseTo(
            idleSpend(a, util, rate) + idleSpend(b, util, rate),
            6,
          );
          expect(idleSpend(a, util, rate)).toBeLessThanOrEqual(
            costOfGpuHours(a, rate) + 1e-9,
          );
        },
      ),
    );
  });

  it('prices SaaS tokens linearly too', () => {
    fc.assert(
      fc.property(fc.nat(1e9), fc.nat(1e9), (input, output) => {
        const price = {
          name: 'x',
          inputUsdPerMillion: 0.5,
          outputUsdPerMillion: 1.5,
        };
        expect(
          saasCost({ inputTokens: input * 2, outputTokens: output * 2 }, price),
        ).toBeCloseTo(
          2 * saasCost({ inputTokens: input, outputTokens: output }, price),
          6,
        );
      }),
    );
  });
});
