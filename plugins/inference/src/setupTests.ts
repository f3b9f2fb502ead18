import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The governance page renders several material-table tables; on a busy two-core CI machine their first render can
// take longer than the default one second that findBy* waits.
configure({ asyncUtilTimeout: 5_000 });

// recharts' ResponsiveContainer measures its box with ResizeObserver, which jsdom lacks; charts stay unsized in tests
// and the cards' text carries what the tests check.
class NoopResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
if (!('ResizeObserver' in globalThis)) {
  Object.assign(globalThis, { ResizeObserver: NoopResizeObserver });
}

// `testTimeout` in package.json is a global jest option that a repo-wide run ignores per project: set it here so a
// page that renders slowly on a busy two-core machine is not cut off at jest's default 5 s.
jest.setTimeout(30_000);
