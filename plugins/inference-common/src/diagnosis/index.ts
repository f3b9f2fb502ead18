export * from './types';
export * from './messages';
export * from './servingContext';
export * from './diagnosis';
