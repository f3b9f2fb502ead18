export * from './toolkitDrivers';
export * from './cuda';
