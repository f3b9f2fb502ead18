/**
 * Scaffolder actions that plan, quota-check, validate and apply GPU model services.
 *
 * @packageDocumentation
 */

export { scaffolderModuleInference as default } from './module';
export { createPlanCreateAction } from './actions/planCreate';
export { createImageResolveAction } from './actions/imageResolve';
export { createQuotaReserveAction } from './actions/quotaReserve';
export { createQuotaReleaseAction } from './actions/quotaRelease';
export { createManifestsValidateAction } from './actions/manifestsValidate';
export { createManifestsApplyAction } from './actions/manifestsApply';
export { createEntityRegisterAction } from './actions/entityRegister';
