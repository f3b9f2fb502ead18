import reference from './__fixtures__/cuda-driver-compat.reference.json';
import {
  checkCudaCompatibility,
  compareVersions,
  driverVersionFromNodeLabels,
  findToolkitDriver,
} from './cuda';
import { CUDA_TOOLKIT_DRIVERS } from './toolkitDrivers';

const H100 = { computeCapability: '9.0', dataCenter: true };
const RTX = { computeCapability: '8.9', dataCenter: false };

describe('the toolkit driver table', () => {
  it('matches Table 3 of the reference for every toolkit from 11.8 to 13.2', () => {
    for (const row of reference.toolkits) {
      const minimum =
        row.toolkit_driver_linux_x86_64_min ?? row.runfile_bundled_linux_driver;
      expect(findToolkitDriver(row.cuda_version)?.minLinuxDriver).toBe(minimum);
    }
    expect(CUDA_TOOLKIT_DRIVERS).toHaveLength(reference.toolkits.length);
  });

  it('maps short and unknown versions to the right row', () => {
    expect(findToolkitDriver('12.4')!.cudaVersion).toBe('12.4.0');
    expect(findToolkitDriver('12.8.1.012')!.cudaVersion).toBe('12.8.1');
    expect(findToolkitDriver('13.0.2.006')!.minLinuxDriver).toBe('580.95.05');
    expect(findToolkitDriver('12.7')).toBeUndefined();
  });

  it('compares driver versions numerically', () => {
    expect(compareVersions('570.124.06', '570.26')).toBeGreaterThan(0);
    expect(compareVersions('525.60.13', '525.60.13')).toBe(0);
    expect(compareVersions('535', '535.0.0')).toBe(0);
  });
});

describe('checkCudaCompatibility', () => {
  it.each(
    CUDA_TOOLKIT_DRIVERS.map(r => [r.cudaVersion, r.minLinuxDriver] as const),
  )('CUDA %s is fully compatible from driver %s', (cuda, driver) => {
    expect(
      checkCudaCompatibility({
        imageCudaVersion: cuda,
        driverVersion: driver,
        gpu: H100,
      }).status,
    ).toBe('compatible');
  });

  it.each([
    ['12.8.1', '560.35.03', 'compatible-minor-version'],
    ['12.9.0', '525.60.13', 'compatible-minor-version'],
    ['12.0.1', '525.60.13', 'compatible-minor-version'],
    ['11.8.0', '470.57.02', 'compatible-minor-version'],
    ['11.8.0', '580.95.05', 'compatible'],
    ['13.1.0', '580.65.06', 'compatible-minor-version'],
    ['13.0.0', '575.57.08', 'needs-forward-compat'],
    ['12.4.1', '520.61.05', 'needs-forward-compat'],
    ['12.4.1', '470.57.02', 'needs-forward-compat'],
    ['12.4.1', '460.32.03', 'incompatible'],
    ['11.8.0', '440.33.01', 'needs-forward-compat'],
  ])(
    'CUDA %s on driver %s on a data-center GPU is %s',
    (cuda, driver, status) => {
      expect(
        checkCudaCompatibility({
          imageCudaVersion: cuda,
          driverVersion: driver,
          gpu: H100,
        }).status,
      ).toBe(status);
    },
  );

  it('explains minor version compatibility and its limitations', () => {
    const result = checkCudaCompatibility({
      imageCudaVersion: '12.8.1',
      driverVersion: '550.54.15',
      gpu: H100,
    });
    expect(result).toMatchObject({
      status: 'compatible-minor-version',
      minimumDriver: '570.124.06',
      minimumDriverMinorVersionCompat: '525.60.13',
    });
    expect(result.reason).toContain('570.124.06');
    expect(result.limitations.join(' ')).toMatch(
      /cudaErrorCallRequiresNewerDriver \(36\)/,
    );
    expect(result.limitations.join(' ')).toMatch(
      /SASS for compute capability 9.0/,
    );
  });

  it('offers the forward-compat package only on data-center GPUs', () => {
    const dataCenter = checkCudaCompatibility({
      imageCudaVersion: '12.8.0',
      driverVersion: '515.65.01',
      gpu: H100,
    });
    expect(dataCenter).toMatchObject({
      status: 'needs-forward-compat',
      forwardCompatPackage: 'cuda-compat-12-8',
    });
    const workstation = checkCudaCompatibility({
      imageCudaVersion: '12.8.0',
      driverVersion: '515.65.01',
      gpu: RTX,
    });
    expect(workstation.status).toBe('incompatible');
    expect(workstation.reason).toMatch(
      /only supported on data-center GPUs.*570.26/,
    );
    const unknownGpu = checkCudaCompatibility({
      imageCudaVersion: '13.0.0',
      driverVersion: '570.124.06',
    });
    expect(unknownGpu.status).toBe('needs-forward-compat');
    expect(unknownGpu.reason).toMatch(/Only if the GPU is a data-center GPU/);
    expect(unknownGpu.limitations.join(' ')).toMatch(/NVIDIA_REQUIRE_CUDA/);
  });

  it('rejects GPUs below the image compute capability whatever the driver', () => {
    const result = checkCudaCompatibility({
      imageCudaVersion: '12.8.0',
      driverVersion: '595.71.05',
      gpu: { computeCapability: '7.0', dataCenter: true },
      imageMinComputeCapability: '7.5',
    });
    expect(result.status).toBe('incompatible');
    expect(result.reason).toMatch(
      /compute capability 7.0 is below the image's minimum 7.5/,
    );
  });

  it('takes the driver from GPU Feature Discovery labels', () => {
    const labels = {
      'nvidia.com/cuda.driver.major': '550',
      'nvidia.com/cuda.driver.minor': '54',
      'nvidia.com/cuda.driver.rev': '15',
    };
    expect(driverVersionFromNodeLabels(labels)).toBe('550.54.15');
    expect(
      driverVersionFromNodeLabels({
        'nvidia.com/cuda.driver-version.full': '580.95.05',
      }),
    ).toBe('580.95.05');
    expect(driverVersionFromNodeLabels({})).toBeUndefined();
    const result = checkCudaCompatibility({
      imageCudaVersion: '12.4.1',
      driverVersion: { major: 550, minor: 54, rev: 15 },
    });
    expect(result).toMatchObject({
      status: 'compatible',
      driverVersion: '550.54.15',
    });
  });

  it('refuses versions outside 11.8 to 13.x', () => {
    expect(
      checkCudaCompatibility({
        imageCudaVersion: '10.2',
        driverVersion: '595.71.05',
      }).status,
    ).toBe('incompatible');
    expect(() =>
      checkCudaCompatibility({
        imageCudaVersion: '12.x',
        driverVersion: '550',
      }),
    ).toThrow(/Not a version number/);
  });
});
