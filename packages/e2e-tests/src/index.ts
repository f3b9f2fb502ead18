export * from './productUnderTest';
export * from './browser';
export * from './oidc';
