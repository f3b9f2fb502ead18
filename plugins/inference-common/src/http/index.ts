export * from './retryAfter';
