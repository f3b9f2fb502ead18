/**
 * Domain rules of the inference platform, shared by the backend, the scaffolder actions and the frontend.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './permissions';
export * from './api';
