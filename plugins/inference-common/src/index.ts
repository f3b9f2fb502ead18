/**
 * Domain rules of the inference platform, shared by the backend, the scaffolder actions and the frontend:
 * GPU, model and image catalogs, CUDA compatibility, the vLLM sizing planner, quota, cost, health diagnosis and
 * the capacity verdict. Pure TypeScript without I/O (the one client of the REST API is given its `fetch`).
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './permissions';
export * from './api';
export * from './catalog';
export * from './cuda';
export * from './planner';
export * from './quota/quota';
export * from './quota/quotaLines';
export * from './cost/cost';
export * from './capacity/capacity';
export * from './kubernetes';
export * from './tenancy';
export * from './diagnosis';
export * from './platform';
export * from './http';
export * from './client';
export * from './views';
