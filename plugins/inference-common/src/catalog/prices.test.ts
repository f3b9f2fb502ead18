import { findGpuPrice, resolveGpuPrices } from './prices';

describe('resolveGpuPrices', () => {
  it('labels embedded on-demand prices as dated defaults and derived spot/committed as UNVERIFIED', () => {
    const h100 = findGpuPrice(resolveGpuPrices(), 'NVIDIA-H100-80GB-HBM3')!;
    expect(h100.usdPerGpuHour['on-demand']).toBe(6.88);
    expect(h100.isDefault).toEqual({
      'on-demand': true,
      spot: true,
      committed: true,
    });
    expect(h100.unverified).toEqual({
      'on-demand': false,
      spot: true,
      committed: true,
    });
    expect(h100.asOf).toBe('2026-01-21');
    expect(h100.usdPerGpuHour.spot).toBeCloseTo(6.88 * 0.4);
  });

  it('applies config overrides by GPU type key or catalog id', () => {
    const prices = resolveGpuPrices([
      {
        gpuType: 'h100-80gb-sxm',
        onDemandUsdPerGpuHour: 4.5,
        spotUsdPerGpuHour: 2,
        asOf: '2026-11-01',
        source: 'contract',
      },
      { gpuType: 'NVIDIA-A100-80GB-PCIe', onDemandUsdPerGpuHour: 2.2 },
    ]);
    const h100 = findGpuPrice(prices, 'NVIDIA-H100-80GB-HBM3')!;
    expect(h100.usdPerGpuHour).toMatchObject({ 'on-demand': 4.5, spot: 2 });
    // committed is derived from the configured on-demand price with the default (UNVERIFIED) factor
    expect(h100.isDefault).toEqual({
      'on-demand': false,
      spot: false,
      committed: true,
    });
    expect(h100.unverified.committed).toBe(true);
    expect(h100.source).toBe('contract');
    expect(
      findGpuPrice(prices, 'a100-80gb-pcie')!.usdPerGpuHour['on-demand'],
    ).toBe(2.2);
  });

  it('prices MIG slices pro rata to compute slices unless configured', () => {
    const prices = resolveGpuPrices([
      {
        gpuType: 'NVIDIA-H100-80GB-HBM3-MIG-1g.10gb',
        onDemandUsdPerGpuHour: 1.2,
      },
    ]);
    expect(
      findGpuPrice(prices, 'NVIDIA-H100-80GB-HBM3-MIG-3g.40gb')!.usdPerGpuHour[
        'on-demand'
      ],
    ).toBeCloseTo((6.88 * 3) / 7);
    expect(
      findGpuPrice(prices, 'NVIDIA-H100-80GB-HBM3-MIG-1g.10gb')!.usdPerGpuHour[
        'on-demand'
      ],
    ).toBe(1.2);
  });

  it('leaves out GPU types without any price and honours configured discount factors', () => {
    const prices = resolveGpuPrices([], { factors: { spot: 0.3 } });
    expect(findGpuPrice(prices, 'NVIDIA-H100-PCIe')).toBeUndefined();
    const l4 = findGpuPrice(prices, 'NVIDIA-L4')!;
    expect(l4.usdPerGpuHour.spot).toBeCloseTo(0.8048 * 0.3);
    expect(l4.unverified.spot).toBe(false);
  });
});
