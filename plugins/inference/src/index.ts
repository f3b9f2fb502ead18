/**
 * Frontend of the inference platform: entity cards and the platform team's governance page.
 *
 * @packageDocumentation
 */

export { inferencePlugin, InferencePlatformPage } from './plugin';
export { isInferenceAvailable } from './conditions';
export * from './api';
export { rootRouteRef } from './routes';
