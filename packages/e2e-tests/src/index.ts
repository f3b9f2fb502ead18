export * from './productUnderTest';
export * from './browser';
