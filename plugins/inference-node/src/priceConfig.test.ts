import { ConfigReader, JsonObject } from '@backstage/config';
import { findGpuPrice } from '@inference-platform/plugin-inference-common';
import { readGpuPriceSettings } from './priceConfig';

const read = (inference?: JsonObject) =>
  readGpuPriceSettings(new ConfigReader(inference ? { inference } : {}));

describe('readGpuPriceSettings', () => {
  it('gives the built-in on-demand defaults without config', () => {
    const { prices, priceKind } = read();
    expect(priceKind).toBe('on-demand');
    expect(findGpuPrice(prices, 'NVIDIA-L4')).toMatchObject({
      isDefault: { 'on-demand': true },
    });
  });

  it('overrides a GPU type from inference.prices, marked as configured', () => {
    const { prices } = read({
      prices: [
        { gpuType: 'NVIDIA-L4', onDemandUsdPerGpuHour: 0.25, asOf: '2026-02' },
      ],
      priceKindFactors: { spot: 0.5 },
    });
    expect(findGpuPrice(prices, 'NVIDIA-L4')).toMatchObject({
      usdPerGpuHour: { 'on-demand': 0.25, spot: 0.125 },
      isDefault: { 'on-demand': false },
      source: 'app-config',
      asOf: '2026-02',
    });
  });

  it.each([
    [{ priceKind: 'reserved' }, /inference.priceKind must be one of/],
    [
      { prices: [{ gpuType: 'NVIDIA-L4', spotUsdPerGpuHour: -1 }] },
      /inference.prices\[0\].spotUsdPerGpuHour must be >= 0/,
    ],
  ])('refuses %p naming the field', (inference, message) => {
    expect(() => read(inference)).toThrow(message);
  });
});
