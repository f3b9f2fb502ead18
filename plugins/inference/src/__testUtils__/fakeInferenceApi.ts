import { InferenceApi } from '../api';
import { fixtureInferenceApi } from './fixtures';

/** The fixture API with every method a jest mock, so tests can override answers and count calls. */
export function fakeInferenceApi(
  overrides: Partial<InferenceApi> = {},
): jest.Mocked<InferenceApi> {
  const answers = { ...fixtureInferenceApi(), ...overrides };
  const api = {} as Record<string, jest.Mock>;
  for (const [name, method] of Object.entries(answers)) {
    api[name] = jest.fn(method as (...args: any[]) => any);
  }
  return api as unknown as jest.Mocked<InferenceApi>;
}
