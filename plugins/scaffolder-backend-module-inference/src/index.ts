/**
 * Scaffolder actions that plan, quota-check, validate and apply GPU model services.
 *
 * @packageDocumentation
 */

export { scaffolderModuleInference as default } from './module';
export { createManifestsValidateAction } from './actions/manifestsValidate';
