export * from './vllmDefaults';
export * from './precision';
export * from './memory';
export * from './parallelism';
export * from './planTypes';
export * from './planner';
export * from './format';
export * from './advice';
