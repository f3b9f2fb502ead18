import { GPU_CATALOG } from './gpus.data';
import { GpuSpec } from './gpuTypes';

/*
 * The GPU catalog lookups use when they are given none. It starts as the built-in catalog; a backend sets it once at
 * startup from config (`inference.gpus`, through inference-node's configureGpuCatalog), so the planner of the
 * scaffolder, the health card's advice and the capacity figures read the same numbers.
 */
let active: readonly GpuSpec[] = GPU_CATALOG;

/**
 * The GPU catalog in effect: the built-in one with the platform's configured overrides.
 *
 * @public
 */
export function activeGpuCatalog(): readonly GpuSpec[] {
  return active;
}

/**
 * Puts a catalog in effect for every lookup that is given none (see {@link applyGpuOverrides}).
 *
 * @public
 */
export function setActiveGpuCatalog(catalog: readonly GpuSpec[]): void {
  active = catalog;
}
