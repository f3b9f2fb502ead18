export * from './workloadHealth';
export * from './policyViolations';
export * from './serviceToday';
export * from './serviceHeadroom';
