/**
 * One row of NVIDIA's "CUDA Toolkit and Corresponding Driver Versions" table.
 *
 * @public
 */
export interface ToolkitDriverRow {
  /** Toolkit version `major.minor.patch` (patch = update number). */
  cudaVersion: string;
  releaseName: string;
  /** Minimum Linux x86_64 driver for the full feature set of this toolkit (Table 3). */
  minLinuxDriver: string;
  /** Set when the row is not in Table 3 and the minimum comes from the runfile's bundled driver. */
  note?: string;
}

/**
 * Table 3 for CUDA 11.8 to 13.2, newest first (copied from reference/cuda-driver-compat.json). Source: NVIDIA CUDA
 * Toolkit 13.2 Update 2 Release Notes, section 2.2, Table 3
 * (https://docs.nvidia.com/cuda/archive/13.2.2/cuda-toolkit-release-notes/index.html).
 *
 * @public
 */
export const CUDA_TOOLKIT_DRIVERS: readonly ToolkitDriverRow[] = [
  {
    cudaVersion: '13.2.2',
    releaseName: 'CUDA 13.2 Update 2',
    minLinuxDriver: '595.71.05',
  },
  {
    cudaVersion: '13.2.1',
    releaseName: 'CUDA 13.2 Update 1',
    minLinuxDriver: '595.58.03',
  },
  {
    cudaVersion: '13.2.0',
    releaseName: 'CUDA 13.2 GA',
    minLinuxDriver: '595.45.04',
  },
  {
    cudaVersion: '13.1.1',
    releaseName: 'CUDA 13.1 Update 1',
    minLinuxDriver: '590.48.01',
  },
  {
    cudaVersion: '13.1.0',
    releaseName: 'CUDA 13.1 GA',
    minLinuxDriver: '590.44.01',
  },
  {
    cudaVersion: '13.0.2',
    releaseName: 'CUDA 13.0 Update 2',
    minLinuxDriver: '580.95.05',
  },
  {
    cudaVersion: '13.0.1',
    releaseName: 'CUDA 13.0 Update 1',
    minLinuxDriver: '580.82.07',
  },
  {
    cudaVersion: '13.0.0',
    releaseName: 'CUDA 13.0 GA',
    minLinuxDriver: '580.65.06',
  },
  {
    cudaVersion: '12.9.1',
    releaseName: 'CUDA 12.9 Update 1',
    minLinuxDriver: '575.57.08',
  },
  {
    cudaVersion: '12.9.0',
    releaseName: 'CUDA 12.9 GA',
    minLinuxDriver: '575.51.03',
  },
  {
    cudaVersion: '12.8.1',
    releaseName: 'CUDA 12.8 Update 1',
    minLinuxDriver: '570.124.06',
  },
  {
    cudaVersion: '12.8.0',
    releaseName: 'CUDA 12.8 GA',
    minLinuxDriver: '570.26',
    note: 'the 12.8.0 runfile bundles 570.86.10; Table 3 is the minimum',
  },
  {
    cudaVersion: '12.6.3',
    releaseName: 'CUDA 12.6 Update 3',
    minLinuxDriver: '560.35.05',
  },
  {
    cudaVersion: '12.6.2',
    releaseName: 'CUDA 12.6 Update 2',
    minLinuxDriver: '560.35.03',
  },
  {
    cudaVersion: '12.6.1',
    releaseName: 'CUDA 12.6 Update 1',
    minLinuxDriver: '560.35.03',
  },
  {
    cudaVersion: '12.6.0',
    releaseName: 'CUDA 12.6 GA',
    minLinuxDriver: '560.28.03',
  },
  {
    cudaVersion: '12.5.1',
    releaseName: 'CUDA 12.5 Update 1',
    minLinuxDriver: '555.42.06',
  },
  {
    cudaVersion: '12.5.0',
    releaseName: 'CUDA 12.5 GA',
    minLinuxDriver: '555.42.02',
  },
  {
    cudaVersion: '12.4.1',
    releaseName: 'CUDA 12.4 Update 1',
    minLinuxDriver: '550.54.15',
  },
  {
    cudaVersion: '12.4.0',
    releaseName: 'CUDA 12.4 GA',
    minLinuxDriver: '550.54.14',
  },
  {
    cudaVersion: '12.3.2',
    releaseName: 'CUDA 12.3 Update 2',
    minLinuxDriver: '545.23.08',
    note: 'no Table 3 row; minimum taken from the 12.3.2 runfile (bundles 545.23.08)',
  },
  {
    cudaVersion: '12.3.1',
    releaseName: 'CUDA 12.3 Update 1',
    minLinuxDriver: '545.23.08',
  },
  {
    cudaVersion: '12.3.0',
    releaseName: 'CUDA 12.3 GA',
    minLinuxDriver: '545.23.06',
  },
  {
    cudaVersion: '12.2.2',
    releaseName: 'CUDA 12.2 Update 2',
    minLinuxDriver: '535.104.05',
  },
  {
    cudaVersion: '12.2.1',
    releaseName: 'CUDA 12.2 Update 1',
    minLinuxDriver: '535.86.09',
    note: 'the runfile bundles 535.86.10; Table 3 is the minimum',
  },
  {
    cudaVersion: '12.2.0',
    releaseName: 'CUDA 12.2 GA',
    minLinuxDriver: '535.54.03',
  },
  {
    cudaVersion: '12.1.1',
    releaseName: 'CUDA 12.1 Update 1',
    minLinuxDriver: '530.30.02',
  },
  {
    cudaVersion: '12.1.0',
    releaseName: 'CUDA 12.1 GA',
    minLinuxDriver: '530.30.02',
  },
  {
    cudaVersion: '12.0.1',
    releaseName: 'CUDA 12.0 Update 1',
    minLinuxDriver: '525.85.12',
  },
  {
    cudaVersion: '12.0.0',
    releaseName: 'CUDA 12.0 GA',
    minLinuxDriver: '525.60.13',
  },
  {
    cudaVersion: '11.8.0',
    releaseName: 'CUDA 11.8 GA',
    minLinuxDriver: '520.61.05',
  },
];

/**
 * Minor-version-compatibility floor per CUDA major (RN Table 2 and the MVC doc), with the upper end of the
 * MVC range (newer drivers still run the toolkit through plain backward compatibility).
 *
 * @public
 */
export const MINOR_VERSION_COMPATIBILITY: Readonly<
  Record<
    number,
    { minDriver: string; branchMaxExclusive?: number; source: string }
  >
> = {
  11: {
    minDriver: '450.80.02',
    branchMaxExclusive: 525,
    source: 'RN13.2.2 Table 2; 450.80.02 enables MVC across all of 11.x',
  },
  12: {
    minDriver: '525.60.13',
    branchMaxExclusive: 580,
    source: 'RN13.2.2 Table 2 (>= 525; exact 525.60.13, the 12.0 GA driver)',
  },
  // The table only says ">= 580"; the 13.0 GA toolkit driver is the exact floor (facts.md §1.2 practical rule).
  13: {
    minDriver: '580.65.06',
    source: 'RN13.2.2 Table 2 (>= 580) and Table 3 (13.0 GA driver 580.65.06)',
  },
};

/**
 * Oldest driver branch the forward-compatibility package supports per CUDA major, where the reference shows it:
 * the `nvidia/cuda` 12.4.1 image's NVIDIA_REQUIRE_CUDA accepts `brand=tesla,driver>=470` branches.
 *
 * @public
 */
export const FORWARD_COMPAT_MIN_BRANCH: Readonly<
  Record<number, { branch: number; source: string }>
> = {
  12: {
    branch: 470,
    source:
      'NVIDIA_REQUIRE_CUDA of nvidia/cuda 12.4.1 (gitlab.com/nvidia/container-images/cuda dist/12.4.1)',
  },
};
