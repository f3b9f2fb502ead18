import { MigProfile } from './gpuTypes';

const MIG_PROFILE_PATTERN = /^(\d+)g\.(\d+)gb(\+me)?$/;

/**
 * Builds a MIG profile entry from its name, e.g. `migProfile('1g.10gb', 7)`.
 * The resource name follows the device plugin's `mixed` strategy: `nvidia.com/mig-<g>g.<mem>gb`.
 *
 * @public
 */
export function migProfile(profile: string, maxInstances: number): MigProfile {
  const match = MIG_PROFILE_PATTERN.exec(profile);
  if (!match) {
    throw new Error(
      `Not a MIG profile name: '${profile}' (expected e.g. 1g.10gb or 1g.10gb+me)`,
    );
  }
  return {
    profile,
    maxInstances,
    computeSlices: Number(match[1]),
    memoryGB: Number(match[2]),
    mediaExtensions: Boolean(match[3]),
    // `+me` instances are advertised under the same resource as their base profile.
    resourceName: `nvidia.com/mig-${match[1]}g.${match[2]}gb`,
  };
}

/**
 * MIG profile set shared by A100-80GB and H100-80GB (mig-parted uses one device-filter list for both).
 *
 * @public
 */
export const MIG_PROFILES_80GB: MigProfile[] = [
  migProfile('1g.10gb', 7),
  migProfile('1g.10gb+me', 1),
  migProfile('1g.20gb', 4),
  migProfile('2g.20gb', 3),
  migProfile('3g.40gb', 2),
  migProfile('4g.40gb', 1),
  migProfile('7g.80gb', 1),
];
