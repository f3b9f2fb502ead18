// Parsers for the failure messages of PyTorch, vLLM, the NVIDIA container stack and the Kubernetes scheduler.

const UNIT_TO_GIB: Record<string, number> = {
  KiB: 1 / 1024 ** 2,
  MiB: 1 / 1024,
  GiB: 1,
  TiB: 1024,
};

function toGiB(value: string, unit: string): number {
  return Number(value) * (UNIT_TO_GIB[unit] ?? Number.NaN);
}

/**
 * True when a text reports a CUDA out-of-memory error (PyTorch or the CUDA runtime).
 *
 * @public
 */
export function isCudaOutOfMemory(text: string): boolean {
  return /CUDA out of memory|torch\.(cuda\.)?OutOfMemoryError|CUDA error: out of memory|CUBLAS_STATUS_ALLOC_FAILED/i.test(
    text,
  );
}

/**
 * Numbers of a PyTorch CUDA OOM message, in GiB.
 *
 * @public
 */
export interface TorchOomNumbers {
  triedToAllocateGiB?: number;
  totalCapacityGiB?: number;
  freeGiB?: number;
  /** Memory PyTorch had allocated (newer messages: "Of the allocated memory X is allocated by PyTorch"). */
  allocatedByPytorchGiB?: number;
}

/**
 * Parses "Tried to allocate X GiB. GPU 0 has a total capacity of Y GiB of which Z MiB is free" and the older
 * "(GPU 0; Y GiB total capacity; … Z MiB free; …)" form.
 *
 * @public
 */
export function parseTorchOom(text: string): TorchOomNumbers {
  const numbers: TorchOomNumbers = {};
  const tried = /Tried to allocate ([\d.]+) ([KMGT]iB)/.exec(text);
  if (tried) numbers.triedToAllocateGiB = toGiB(tried[1], tried[2]);
  const total =
    /total capacity of ([\d.]+) ([KMGT]iB)/.exec(text) ??
    /([\d.]+) ([KMGT]iB) total capacity/.exec(text);
  if (total) numbers.totalCapacityGiB = toGiB(total[1], total[2]);
  const free =
    /of which ([\d.]+) ([KMGT]iB) is free/.exec(text) ??
    /([\d.]+) ([KMGT]iB) free/.exec(text);
  if (free) numbers.freeGiB = toGiB(free[1], free[2]);
  const allocated =
    /([\d.]+) ([KMGT]iB) is allocated by PyTorch/.exec(text) ??
    /([\d.]+) ([KMGT]iB) already allocated/.exec(text);
  if (allocated)
    numbers.allocatedByPytorchGiB = toGiB(allocated[1], allocated[2]);
  return numbers;
}

/**
 * vLLM's refusal to start because the KV cache cannot hold one max-length sequence.
 *
 * @public
 */
export interface KvCacheTooSmallNumbers {
  maxSeqLen?: number;
  /** Tokens the KV cache holds (older message). */
  kvCacheTokens?: number;
  /** GiB one max-length sequence needs (newer message). */
  neededGiB?: number;
  /** GiB available for the KV cache (newer message). */
  availableGiB?: number;
  /** vLLM's own estimate of the longest model length that fits (newer message). */
  estimatedMaxModelLen?: number;
  /** True for "No available memory for the cache blocks": nothing at all left for the KV cache. */
  noCacheMemory: boolean;
}

/**
 * Parses vLLM's KV-cache startup errors: "The model's max seq len (X) is larger than the maximum number of tokens
 * that can be in KV cache (Y)", the newer "To serve at least one request with the models's max seq len (X), (N GiB
 * KV cache is needed, which is larger than the available KV cache memory (M GiB)", and "No available memory for
 * the cache blocks". Undefined when the text has none of them.
 *
 * @public
 */
export function parseKvCacheTooSmall(
  text: string,
): KvCacheTooSmallNumbers | undefined {
  const older =
    /max seq len \((\d+)\) is larger than the maximum number of tokens that can be (?:stored )?in KV cache \((\d+)\)/.exec(
      text,
    );
  if (older) {
    return {
      maxSeqLen: Number(older[1]),
      kvCacheTokens: Number(older[2]),
      noCacheMemory: false,
    };
  }
  const newer =
    /max seq len \((\d+)\), \(([\d.]+) GiB KV cache is needed, which is larger than the available KV cache memory \(([\d.]+) GiB\)/.exec(
      text,
    );
  if (newer) {
    const estimate = /estimated maximum model length is (\d+)/.exec(text);
    return {
      maxSeqLen: Number(newer[1]),
      neededGiB: Number(newer[2]),
      availableGiB: Number(newer[3]),
      estimatedMaxModelLen: estimate ? Number(estimate[1]) : undefined,
      noCacheMemory: false,
    };
  }
  if (/No available memory for the cache blocks/.test(text)) {
    return { noCacheMemory: true };
  }
  return undefined;
}

/**
 * What a driver-related failure says.
 *
 * @public
 */
export interface DriverFailure {
  kind: 'insufficient-driver' | 'no-device';
  /** CUDA version the container required (`cuda>=X` from nvidia-container-cli). */
  requiredCuda?: string;
  text: string;
}

/**
 * Recognises "CUDA driver version is insufficient for CUDA runtime version" (cudaErrorInsufficientDriver = 35),
 * nvidia-container-cli's "requirement error: unsatisfied condition: cuda>=X" and "no CUDA-capable device is
 * detected" (cudaErrorNoDevice = 100).
 *
 * @public
 */
export function parseDriverFailure(text: string): DriverFailure | undefined {
  const requirement = /unsatisfied condition: cuda>=([\d.]+)/.exec(text);
  if (requirement)
    return {
      kind: 'insufficient-driver',
      requiredCuda: requirement[1],
      text: requirement[0],
    };
  if (
    /CUDA driver version is insufficient for CUDA runtime version/i.test(text)
  ) {
    return {
      kind: 'insufficient-driver',
      text: 'CUDA driver version is insufficient for CUDA runtime version',
    };
  }
  if (/no CUDA-capable device is detected|CUDA_ERROR_NO_DEVICE/i.test(text)) {
    return { kind: 'no-device', text: 'no CUDA-capable device is detected' };
  }
  return undefined;
}

/**
 * Numbers of a FailedScheduling message that lacks GPUs, e.g.
 * "0/5 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: …".
 *
 * @public
 */
export interface InsufficientGpuScheduling {
  availableNodes: number;
  totalNodes: number;
  /** Nodes that lack the resource. */
  insufficientNodes: number;
  resource: string;
}

/**
 * Parses a FailedScheduling message for `Insufficient nvidia.com/gpu` (or a MIG / AMD resource).
 *
 * @public
 */
export function parseInsufficientGpu(
  message: string,
): InsufficientGpuScheduling | undefined {
  const insufficient =
    /(\d+) Insufficient ((?:nvidia\.com\/(?:gpu|mig-\d+g\.\d+gb(?:\+me)?))|amd\.com\/gpu)/.exec(
      message,
    );
  if (!insufficient) return undefined;
  const nodes = /(\d+)\/(\d+) nodes are available/.exec(message);
  return {
    availableNodes: nodes ? Number(nodes[1]) : 0,
    totalNodes: nodes ? Number(nodes[2]) : Number.NaN,
    insufficientNodes: Number(insufficient[1]),
    resource: insufficient[2],
  };
}

/**
 * Classifies an image pull failure from the kubelet's message.
 *
 * @public
 */
export function classifyImagePullFailure(
  message: string,
): 'not-found' | 'unauthorized' | 'network' | 'invalid-name' | 'unknown' {
  if (/InvalidImageName|invalid reference format/i.test(message))
    return 'invalid-name';
  if (/not found|manifest unknown|does not exist/i.test(message))
    return 'not-found';
  if (
    /unauthorized|authentication required|denied|forbidden|401|403/i.test(
      message,
    )
  )
    return 'unauthorized';
  if (
    /no such host|timeout|i\/o timeout|connection refused|TLS handshake/i.test(
      message,
    )
  )
    return 'network';
  return 'unknown';
}

/**
 * The last `maxChars` characters of a message (termination messages end with the actual error).
 *
 * @public
 */
export function messageTail(text: string, maxChars = 300): string {
  const trimmed = text.trim();
  return trimmed.length <= maxChars
    ? trimmed
    : `…${trimmed.slice(trimmed.length - maxChars)}`;
}

// Lines that state the error itself, as opposed to traceback frames and log noise.
const ERROR_LINE =
  /OutOfMemoryError|out of memory|ValueError|RuntimeError|requirement error|driver version is insufficient|CUDA error|Error:/i;

/**
 * The line of a (log-tail) message that states the error, e.g. `torch.OutOfMemoryError: CUDA out of memory. …`
 * out of a traceback; the message's tail when no line looks like an error.
 *
 * @public
 */
export function messageExcerpt(text: string, maxChars = 300): string {
  const lines = text
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean);
  const errorLine = [...lines].reverse().find(line => ERROR_LINE.test(line));
  if (!errorLine) return messageTail(text, maxChars);
  return errorLine.length <= maxChars
    ? errorLine
    : `${errorLine.slice(0, maxChars)}…`;
}
