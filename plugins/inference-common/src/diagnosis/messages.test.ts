import {
  messageExcerpt,
  classifyImagePullFailure,
  isCudaOutOfMemory,
  messageTail,
  parseDriverFailure,
  parseInsufficientGpu,
  parseKvCacheTooSmall,
  parseTorchOom,
} from './messages';

describe('message parsers', () => {
  it('reads current and older torch OOM messages', () => {
    expect(
      parseTorchOom(
        'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 512.00 MiB. GPU 0 has a total capacity of 79.19 GiB of which 301.06 MiB is free.',
      ),
    ).toEqual({
      triedToAllocateGiB: 0.5,
      totalCapacityGiB: 79.19,
      freeGiB: 301.06 / 1024,
    });
    expect(
      parseTorchOom(
        'RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 14.75 GiB total capacity; 13.52 GiB already allocated; 10.81 MiB free; 13.80 GiB reserved in total by PyTorch)',
      ),
    ).toEqual({
      triedToAllocateGiB: 20 / 1024,
      totalCapacityGiB: 14.75,
      freeGiB: 10.81 / 1024,
      allocatedByPytorchGiB: 13.52,
    });
    expect(isCudaOutOfMemory('RuntimeError: CUDA error: out of memory')).toBe(
      true,
    );
    expect(isCudaOutOfMemory('Killed')).toBe(false);
  });

  it('reads vLLM KV-cache startup errors', () => {
    expect(
      parseKvCacheTooSmall(
        "The model's max seq len (131072) is larger than the maximum number of tokens that can be stored in KV cache (60256).",
      ),
    ).toMatchObject({ maxSeqLen: 131072, kvCacheTokens: 60256 });
    expect(
      parseKvCacheTooSmall(
        'ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.',
      ),
    ).toEqual({ noCacheMemory: true });
    expect(parseKvCacheTooSmall('all good')).toBeUndefined();
  });

  it('reads driver failures', () => {
    expect(
      parseDriverFailure(
        'RuntimeError: CUDA driver version is insufficient for CUDA runtime version',
      ),
    ).toMatchObject({ kind: 'insufficient-driver' });
    expect(
      parseDriverFailure(
        'requirement error: unsatisfied condition: cuda>=12.4, please update your driver',
      ),
    ).toMatchObject({ kind: 'insufficient-driver', requiredCuda: '12.4' });
    expect(
      parseDriverFailure(
        'RuntimeError: No CUDA GPUs are available / no CUDA-capable device is detected',
      ),
    ).toMatchObject({ kind: 'no-device' });
  });

  it('reads FailedScheduling in the k8s ≤1.23 and ≥1.24 formats, MIG resources included', () => {
    expect(
      parseInsufficientGpu(
        '0/1 nodes are available: 1 Insufficient nvidia.com/gpu.',
      ),
    ).toEqual({
      availableNodes: 0,
      totalNodes: 1,
      insufficientNodes: 1,
      resource: 'nvidia.com/gpu',
    });
    expect(
      parseInsufficientGpu(
        '0/3 nodes are available: 3 Insufficient nvidia.com/mig-1g.10gb. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
      ),
    ).toMatchObject({
      insufficientNodes: 3,
      resource: 'nvidia.com/mig-1g.10gb',
    });
    expect(
      parseInsufficientGpu('0/3 nodes are available: 3 Insufficient cpu.'),
    ).toBeUndefined();
  });

  it('classifies image pull failures and keeps message tails short', () => {
    expect(
      classifyImagePullFailure(
        'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
      ),
    ).toBe('not-found');
    expect(
      classifyImagePullFailure(
        'failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized',
      ),
    ).toBe('unauthorized');
    expect(
      classifyImagePullFailure('dial tcp: lookup registry.local: no such host'),
    ).toBe('network');
    expect(messageTail('x'.repeat(400), 10)).toBe(`…${'x'.repeat(10)}`);
  });
});

describe('messageExcerpt', () => {
  it('quotes the line that states the error out of a traceback', () => {
    const log = [
      'Traceback (most recent call last):',
      '  File "/usr/lib/python3/site-packages/vllm/worker.py", line 210, in load_model',
      'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.12 GiB is free.',
      'If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True',
    ].join('\n');
    expect(messageExcerpt(log)).toBe(
      'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.12 GiB is free.',
    );
  });

  it('falls back to the tail when no line looks like an error', () => {
    expect(messageExcerpt('starting\nloading weights')).toBe(
      'starting\nloading weights',
    );
  });
});
