import '@testing-library/jest-dom';

// `testTimeout` in package.json is a global jest option that a repo-wide run ignores per project: set it here so a
// page that renders slowly on a busy two-core machine is not cut off at jest's default 5 s.
jest.setTimeout(30_000);
