import { PolicyRule, ruleAllows } from './policyRules';
import { requestAttributes } from './requestAttributes';

const attrs = (method: string, path: string, query = '') =>
  requestAttributes(method, path, new URLSearchParams(query));

const POD_READER: PolicyRule = {
  apiGroups: [''],
  resources: ['pods'],
  verbs: ['get', 'list', 'watch'],
};

describe('ruleAllows', () => {
  it.each([
    [POD_READER, 'GET', '/api/v1/namespaces/a/pods/p', true],
    [POD_READER, 'GET', '/api/v1/pods', true],
    [POD_READER, 'DELETE', '/api/v1/namespaces/a/pods/p', false],
    // a resource does not grant its subresources
    [POD_READER, 'GET', '/api/v1/namespaces/a/pods/p/log', false],
    [
      POD_READER,
      'GET',
      '/api/v1/namespaces/a/pods/p:8000/proxy/metrics',
      false,
    ],
    // the same plural in another group is another resource
    [POD_READER, 'GET', '/apis/metrics.k8s.io/v1beta1/pods', false],
    [
      { apiGroups: [''], resources: ['pods/proxy'], verbs: ['get'] },
      'GET',
      '/api/v1/namespaces/a/pods/p:8000/proxy/metrics',
      true,
    ],
    [
      { apiGroups: [''], resources: ['*/proxy'], verbs: ['*'] },
      'POST',
      '/api/v1/namespaces/a/services/s/proxy/x',
      true,
    ],
    [
      { apiGroups: [''], resources: ['*/proxy'], verbs: ['*'] },
      'GET',
      '/api/v1/namespaces/a/pods/p',
      false,
    ],
    [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      'PATCH',
      '/apis/apps/v1/namespaces/a/deployments/d/scale',
      true,
    ],
    [
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'] },
      'PATCH',
      '/apis/apps/v1/namespaces/a/deployments/d/scale',
      false,
    ],
    [
      {
        apiGroups: ['apps'],
        resources: ['deployments/scale'],
        verbs: ['patch'],
      },
      'PATCH',
      '/apis/apps/v1/namespaces/a/deployments/d/scale',
      true,
    ],
  ] as Array<[PolicyRule, string, string, boolean]>)(
    '%j: %s %s -> %s',
    (rule, method, path, allowed) => {
      expect(ruleAllows(attrs(method, path), rule)).toBe(allowed);
    },
  );

  describe('resourceNames', () => {
    const rule: PolicyRule = {
      apiGroups: [''],
      resources: ['configmaps'],
      resourceNames: ['settings'],
      verbs: ['get', 'list', 'watch', 'create', 'update'],
    };
    it.each([
      ['GET', '/api/v1/namespaces/a/configmaps/settings', '', true],
      ['PUT', '/api/v1/namespaces/a/configmaps/settings', '', true],
      ['GET', '/api/v1/namespaces/a/configmaps/other', '', false],
      // create has no name at authorization time
      ['POST', '/api/v1/namespaces/a/configmaps', '', false],
      ['GET', '/api/v1/namespaces/a/configmaps', '', false],
      [
        'GET',
        '/api/v1/namespaces/a/configmaps',
        'watch=1&fieldSelector=metadata.name%3Dsettings',
        true,
      ],
      [
        'GET',
        '/api/v1/namespaces/a/configmaps',
        'fieldSelector=metadata.name%3Dother',
        false,
      ],
    ])('%s %s?%s -> %s', (method, path, query, allowed) => {
      expect(ruleAllows(attrs(method, path, query), rule)).toBe(allowed);
    });
  });

  describe('nonResourceURLs', () => {
    const rule: PolicyRule = {
      nonResourceURLs: ['/version', '/apis/*', '/healthz'],
      verbs: ['get'],
    };
    it.each([
      ['GET', '/version', true],
      ['GET', '/apis/apps/v1', true],
      ['GET', '/apis', false],
      ['GET', '/healthz/etcd', false],
      ['POST', '/version', false],
    ])('%s %s -> %s', (method, path, allowed) => {
      expect(ruleAllows(attrs(method, path), rule)).toBe(allowed);
    });

    it('never match resource requests, and resource rules never match paths', () => {
      expect(
        ruleAllows(attrs('GET', '/api/v1/pods'), {
          nonResourceURLs: ['*'],
          verbs: ['*'],
        }),
      ).toBe(false);
      expect(
        ruleAllows(attrs('GET', '/version'), {
          apiGroups: ['*'],
          resources: ['*'],
          verbs: ['*'],
        }),
      ).toBe(false);
    });
  });
});
