import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read inference workloads, their health, cost and capacity.
 *
 * @public
 */
export const inferenceWorkloadReadPermission = createPermission({
  name: 'inference.workload.read',
  attributes: { action: 'read' },
});

/**
 * Read GPU quotas and reservations.
 *
 * @public
 */
export const inferenceQuotaReadPermission = createPermission({
  name: 'inference.quota.read',
  attributes: { action: 'read' },
});

/**
 * Change a team's GPU quota. An admin action: the platform team's.
 *
 * @public
 */
export const inferenceQuotaUpdatePermission = createPermission({
  name: 'inference.quota.update',
  attributes: { action: 'update' },
});

/**
 * Reserve GPU quota for a new or scaled service (used by the scaffolder actions).
 *
 * @public
 */
export const inferenceReservationCreatePermission = createPermission({
  name: 'inference.reservation.create',
  attributes: { action: 'create' },
});

/**
 * Release a reservation before it is confirmed or expires.
 *
 * @public
 */
export const inferenceReservationReleasePermission = createPermission({
  name: 'inference.reservation.release',
  attributes: { action: 'delete' },
});

/**
 * Apply objects that shape a cluster or other teams' limits (Karpenter NodePools, ResourceQuotas) and deploy to any
 * team's namespace. An admin action: the platform team's templates.
 *
 * @public
 */
export const inferencePlatformApplyPermission = createPermission({
  name: 'inference.platform.apply',
  attributes: { action: 'create' },
});

/**
 * Every permission of the inference plugin, for registration with the permissions registry.
 *
 * @public
 */
export const inferencePermissions = [
  inferenceWorkloadReadPermission,
  inferenceQuotaReadPermission,
  inferenceQuotaUpdatePermission,
  inferenceReservationCreatePermission,
  inferenceReservationReleasePermission,
  inferencePlatformApplyPermission,
];

/**
 * Permissions only the platform team should hold; the app's permission policy gates these.
 *
 * @public
 */
export const inferenceAdminPermissions = [
  inferenceQuotaUpdatePermission,
  inferencePlatformApplyPermission,
];
