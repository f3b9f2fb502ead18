export * from './tenancy';
export * from './applyScope';
