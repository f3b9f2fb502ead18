import { ConfigReader } from '@backstage/config';
import {
  activeGpuCatalog,
  GPU_CATALOG,
  planModelServing,
  resolveGpuType,
  setActiveGpuCatalog,
} from '@inference-platform/plugin-inference-common';
import { configureGpuCatalog } from './gpuCatalogConfig';

describe('configureGpuCatalog', () => {
  afterEach(() => setActiveGpuCatalog(GPU_CATALOG));

  it('puts inference.gpus in effect: the planner sizes L4s with the configured memory', () => {
    const request = {
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      maxModelLen: 8192,
      gpuTypes: ['NVIDIA-L4'],
    };
    const builtIn = planModelServing(request).plans[0];
    configureGpuCatalog(
      new ConfigReader({
        inference: {
          gpus: [
            {
              gpu: 'NVIDIA-L4',
              usableMemoryGiB: 21.5,
              source: 'measured on g6 nodes',
            },
          ],
        },
      }),
    );
    expect(resolveGpuType('NVIDIA-L4')!.gpu.usableMemorySource).toBe(
      'measured on g6 nodes',
    );
    const configured = planModelServing(request).plans[0];
    expect(configured.memoryPerGpu.totalGiB).toBe(21.5);
    expect(configured.kvCacheTokens).toBeLessThan(builtIn.kvCacheTokens);
  });

  it('keeps the built-in catalog without inference.gpus', () => {
    configureGpuCatalog(new ConfigReader({}));
    expect(activeGpuCatalog()).toEqual(GPU_CATALOG);
  });

  it('fails at startup on a GPU it does not know, naming the entry', () => {
    expect(() =>
      configureGpuCatalog(
        new ConfigReader({ inference: { gpus: [{ gpu: 'TPU-v5e' }] } }),
      ),
    ).toThrow(/inference.gpus\[0\]: unknown GPU 'TPU-v5e'/);
    expect(activeGpuCatalog()).toBe(GPU_CATALOG);
  });
});
