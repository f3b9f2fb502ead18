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
