import { repoRoot, RunningProduct, startProduct } from './productUnderTest';

// Starting the product (simulator, backend, the catalog's first ingestion) takes a minute or two on a small machine.
jest.setTimeout(300_000);

/**
 * `npm start` runs the backend with NODE_ENV=development, where Backstage's error middleware puts the stack trace
 * (with the machine's paths) into every error body. The product answers errors without it unless the operator sets
 * backend.errorHandler.showStackTraces.
 */
describe('error answers of the real backend, started as npm start does', () => {
  let product: RunningProduct;

  beforeAll(async () => {
    product = await startProduct();
  });

  afterAll(async () => {
    await product?.stop();
  });

  it.each([
    [
      'an entity the catalog does not know',
      '/api/inference/entities/component/default/no-such-service/summary',
      404,
    ],
    [
      'a namespace that is not a Kubernetes name',
      '/api/inference/entities/component/Not_A_Namespace/x/summary',
      400,
    ],
    [
      'a loadMultiplier out of range',
      '/api/inference/entities/component/default/support-chat-llm/summary?loadMultiplier=500',
      400,
    ],
    [
      'an entity of the catalog plugin',
      '/api/catalog/entities/by-name/component/default/no-such-service',
      404,
    ],
  ])(
    '%s: the error names the problem, with no stack trace',
    async (_what, route, status) => {
      const res = await fetch(`${product.baseUrl}${route}`, {
        headers: { Authorization: `Bearer ${product.token}` },
      });
      const text = await res.text();
      expect(res.status).toBe(status);
      const body = JSON.parse(text);
      expect(body.error).toEqual({
        name: expect.stringMatching(/Error$/),
        message: expect.stringMatching(/\S/),
      });
      expect(text).not.toMatch(/"stack"|\bat [\w.<>]+ \(|node_modules/);
      expect(text).not.toContain(repoRoot);
    },
  );
});
