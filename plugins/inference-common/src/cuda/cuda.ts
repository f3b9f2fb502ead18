import {
  CUDA_TOOLKIT_DRIVERS,
  FORWARD_COMPAT_MIN_BRANCH,
  MINOR_VERSION_COMPATIBILITY,
  ToolkitDriverRow,
} from './toolkitDrivers';

/**
 * Verdict of a CUDA image on a node's driver.
 * - `compatible`: the driver is at least the toolkit's own driver: full feature set.
 * - `compatible-minor-version`: same CUDA major, driver within minor version compatibility: runs with limitations.
 * - `needs-forward-compat`: driver branch too old, but a data-center GPU can run it with the `cuda-compat` package.
 * - `incompatible`: will not run (driver too old on a non-data-center GPU, or GPU architecture not supported).
 *
 * @public
 */
export type CudaCompatibilityStatus =
  | 'compatible'
  | 'compatible-minor-version'
  | 'needs-forward-compat'
  | 'incompatible';

/**
 * Input of {@link checkCudaCompatibility}.
 *
 * @public
 */
export interface CudaCompatibilityInput {
  /** CUDA toolkit version of the image, e.g. `12.8.1` or `12.4`. */
  imageCudaVersion: string;
  /** Node driver: `570.124.06`, or GFD's `nvidia.com/cuda.driver.major/minor/rev` parts. */
  driverVersion:
    | string
    | { major: string | number; minor: string | number; rev?: string | number };
  /** The node's GPU, when known. */
  gpu?: {
    computeCapability?: string | null;
    dataCenter?: boolean;
    name?: string;
  };
  /** The image's lowest supported compute capability, when known. */
  imageMinComputeCapability?: string;
}

/**
 * Answer of {@link checkCudaCompatibility}, with the reason and what would make it compatible.
 *
 * @public
 */
export interface CudaCompatibilityResult {
  status: CudaCompatibilityStatus;
  /** One or two sentences a person can act on. */
  reason: string;
  imageCudaVersion: string;
  driverVersion: string;
  /** Driver giving the full feature set of the image's toolkit (Table 3); undefined for toolkits outside the table. */
  minimumDriver?: string;
  /** Lowest driver that runs the image through minor version compatibility. */
  minimumDriverMinorVersionCompat?: string;
  /** What does not work under minor version compatibility or forward compatibility. */
  limitations: string[];
  /** The package to install in the image for forward compatibility, e.g. `cuda-compat-12-8`. */
  forwardCompatPackage?: string;
}

/**
 * Parses a dotted version into numbers (`'570.124.06'` → `[570, 124, 6]`).
 *
 * @public
 */
export function parseVersion(version: string): number[] {
  const parts = version.trim().replace(/^v/i, '').split('.');
  if (parts.length === 0 || parts.some(p => !/^\d+$/.test(p))) {
    throw new Error(`Not a version number: '${version}'`);
  }
  return parts.map(Number);
}

/**
 * Compares dotted versions numerically; missing parts count as 0. Negative when a \< b.
 *
 * @public
 */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * The node's driver version from GPU Feature Discovery labels (`nvidia.com/cuda.driver.major/minor/rev`, or the
 * newer `nvidia.com/cuda.driver-version.full`); undefined when the node has neither.
 *
 * @public
 */
export function driverVersionFromNodeLabels(
  labels: Record<string, string> | undefined,
): string | undefined {
  if (!labels) return undefined;
  const full = labels['nvidia.com/cuda.driver-version.full'];
  if (full) return full;
  const major = labels['nvidia.com/cuda.driver.major'];
  const minor = labels['nvidia.com/cuda.driver.minor'];
  if (!major || !minor) return undefined;
  const rev = labels['nvidia.com/cuda.driver.rev'];
  return rev ? `${major}.${minor}.${rev}` : `${major}.${minor}`;
}

/**
 * Table 3 row for a CUDA version: the exact update, else the newest update of that minor release at or below
 * it, else its GA. Undefined for releases outside the table (e.g. 11.7, or newer than 13.2).
 *
 * @public
 */
export function findToolkitDriver(
  cudaVersion: string,
): ToolkitDriverRow | undefined {
  const [major, minor, patch = 0] = parseVersion(cudaVersion);
  const sameMinor = CUDA_TOOLKIT_DRIVERS.filter(row => {
    const [ma, mi] = parseVersion(row.cudaVersion);
    return ma === major && mi === minor;
  });
  return (
    sameMinor.find(row => parseVersion(row.cudaVersion)[2] <= patch) ??
    sameMinor[sameMinor.length - 1]
  );
}

function normaliseDriver(
  driver: CudaCompatibilityInput['driverVersion'],
): string {
  if (typeof driver === 'string') return driver.trim();
  const parts = [driver.major, driver.minor, driver.rev].filter(
    p => p !== undefined && p !== '',
  );
  return parts.join('.');
}

function ccAtLeast(cc: string, min: string): boolean {
  return compareVersions(cc, min) >= 0;
}

/**
 * Decides whether an image built on a CUDA toolkit runs on a node's driver and GPU, following NVIDIA's
 * compatibility rules (Table 3 toolkit drivers, minor version compatibility, the forward-compatibility package).
 *
 * @public
 */
export function checkCudaCompatibility(
  input: CudaCompatibilityInput,
): CudaCompatibilityResult {
  const driver = normaliseDriver(input.driverVersion);
  const [major, minor] = parseVersion(input.imageCudaVersion);
  const row = findToolkitDriver(input.imageCudaVersion);
  const mvc = MINOR_VERSION_COMPATIBILITY[major];
  const base = {
    imageCudaVersion: input.imageCudaVersion,
    driverVersion: driver,
    minimumDriver: row?.minLinuxDriver,
    minimumDriverMinorVersionCompat: mvc?.minDriver,
  };
  const cc = input.gpu?.computeCapability;
  if (
    cc &&
    input.imageMinComputeCapability &&
    !ccAtLeast(cc, input.imageMinComputeCapability)
  ) {
    return {
      ...base,
      status: 'incompatible',
      reason: `The GPU's compute capability ${cc} is below the image's minimum ${input.imageMinComputeCapability}: no driver fixes this, pick another image or GPU.`,
      limitations: [],
    };
  }
  if (!mvc) {
    return {
      ...base,
      status: 'incompatible',
      reason: `CUDA ${input.imageCudaVersion} is outside the supported range (11.8 to 13.x).`,
      limitations: [],
    };
  }
  const fullDriver = row?.minLinuxDriver;
  if (fullDriver && compareVersions(driver, fullDriver) >= 0) {
    return {
      ...base,
      status: 'compatible',
      reason: `Driver ${driver} is at least ${fullDriver}, the driver of ${
        row!.releaseName
      }.`,
      limitations: [],
    };
  }
  const driverBranch = parseVersion(driver)[0];
  if (compareVersions(driver, mvc.minDriver) >= 0) {
    const target = fullDriver
      ? `${fullDriver} (${row!.releaseName})`
      : `the ${major}.${minor} toolkit driver`;
    return {
      ...base,
      status: 'compatible-minor-version',
      reason: `Driver ${driver} runs CUDA ${major}.x images through minor version compatibility (>= ${mvc.minDriver}), with a limited feature set; ${target} gives full support.`,
      limitations: [
        "APIs added after the driver's CUDA release fail with cudaErrorCallRequiresNewerDriver (36).",
        `PTX built by the newer compiler cannot be JIT-compiled by this driver (cudaErrorUnsupportedPtxVersion, 222): the image must ship SASS for compute capability ${
          cc ?? 'of the GPU'
        }.`,
        `Images based on nvidia/cuda declare NVIDIA_REQUIRE_CUDA=cuda>=${major}.${minor}: nvidia-container-cli refuses to start them on this driver ("unsatisfied condition") unless that check is disabled (NVIDIA_DISABLE_REQUIRE=true).`,
      ],
    };
  }
  const forwardPackage = `cuda-compat-${major}-${minor}`;
  const fcFloor = FORWARD_COMPAT_MIN_BRANCH[major];
  const minimum = fullDriver ?? mvc.minDriver;
  if (input.gpu?.dataCenter === false) {
    return {
      ...base,
      status: 'incompatible',
      reason: `Driver ${driver} is older than ${mvc.minDriver}, the minimum for CUDA ${major}.x, and forward compatibility (${forwardPackage}) is only supported on data-center GPUs (otherwise cudaErrorCompatNotSupportedOnDevice, 804). Upgrade the node driver to ${minimum} or newer.`,
      limitations: [],
      forwardCompatPackage: forwardPackage,
    };
  }
  if (fcFloor && driverBranch < fcFloor.branch) {
    return {
      ...base,
      status: 'incompatible',
      reason: `Driver ${driver} is older than the ${fcFloor.branch} branch, the oldest the CUDA ${major} forward-compatibility package accepts. Upgrade the node driver to ${minimum} or newer.`,
      limitations: [],
      forwardCompatPackage: forwardPackage,
    };
  }
  const gpuCaveat = input.gpu?.dataCenter
    ? ''
    : ' Only if the GPU is a data-center GPU (unknown here).';
  return {
    ...base,
    status: 'needs-forward-compat',
    reason: `Driver ${driver} is older than ${mvc.minDriver}, the minimum for CUDA ${major}.x. It can run on this data-center GPU with the forward-compatibility package ${forwardPackage} loaded in the container, or upgrade the node driver to ${minimum}.${gpuCaveat}`,
    limitations: [
      `The image must contain ${forwardPackage} and register /usr/local/cuda/compat with the loader (vLLM images run ldconfig on it).`,
      'Supported only on NVIDIA data-center GPUs, select NGC Server Ready RTX SKUs and Jetson; elsewhere calls fail with cudaErrorCompatNotSupportedOnDevice (804).',
      ...(fcFloor
        ? []
        : [
            `The oldest driver branch ${forwardPackage} accepts is not in the reference: check the image's NVIDIA_REQUIRE_CUDA.`,
          ]),
    ],
    forwardCompatPackage: forwardPackage,
  };
}
