/**
 * Node library for backend plugins that talk to the inference backend.
 *
 * @packageDocumentation
 */

export * from './InferenceService';
export * from './serviceRef';
export * from './clusterConfig';
export * from './clusterPlatformConfig';
export * from './priceConfig';
export * from './gpuCatalogConfig';
export * from './tenancy';
