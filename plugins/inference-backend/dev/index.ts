// Runs the inference backend alone, with in-memory SQLite and mocked auth:
//   npm --workspace @inference-platform/plugin-inference-backend start
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('../src'));
backend.start();
