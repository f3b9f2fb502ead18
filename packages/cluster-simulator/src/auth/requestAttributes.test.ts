import { requestAttributes } from './requestAttributes';

describe('requestAttributes', () => {
  it.each([
    // method, path, query, expected
    ['GET', '/api/v1/pods', '', { verb: 'list', resource: 'pods' }],
    ['GET', '/api/v1/pods', 'watch=true', { verb: 'watch', resource: 'pods' }],
    ['GET', '/api/v1/pods', 'watch=1', { verb: 'watch' }],
    ['GET', '/api/v1/pods', 'watch=false', { verb: 'list' }],
    [
      'GET',
      '/api/v1/watch/namespaces/ml-chat/pods',
      '',
      { verb: 'watch', namespace: 'ml-chat', resource: 'pods' },
    ],
    [
      'GET',
      '/api/v1/namespaces/ml-chat/pods/p-1',
      '',
      { verb: 'get', namespace: 'ml-chat', resource: 'pods', name: 'p-1' },
    ],
    [
      'GET',
      '/api/v1/namespaces/ml-chat/pods/p-1:8000/proxy/metrics',
      '',
      {
        verb: 'get',
        resource: 'pods',
        subresource: 'proxy',
        name: 'p-1:8000',
      },
    ],
    [
      'GET',
      '/api/v1/namespaces/ml-chat/pods/p-1/log',
      'container=vllm',
      { verb: 'get', resource: 'pods', subresource: 'log' },
    ],
    [
      'PUT',
      '/apis/apps/v1/namespaces/ml-chat/deployments/d/scale',
      '',
      {
        verb: 'update',
        apiGroup: 'apps',
        apiVersion: 'v1',
        resource: 'deployments',
        subresource: 'scale',
        name: 'd',
      },
    ],
    [
      'PATCH',
      '/apis/apps/v1/namespaces/ml-chat/deployments/d/status',
      '',
      { verb: 'patch', subresource: 'status' },
    ],
    [
      'PATCH',
      '/apis/apps/v1/namespaces/ml-chat/deployments/d',
      'fieldManager=x&dryRun=All',
      { verb: 'patch', name: 'd' },
    ],
    [
      'POST',
      '/apis/apps/v1/namespaces/ml-chat/deployments',
      '',
      { verb: 'create', name: '' },
    ],
    [
      'DELETE',
      '/apis/apps/v1/namespaces/ml-chat/deployments',
      '',
      { verb: 'deletecollection' },
    ],
    [
      'DELETE',
      '/apis/apps/v1/namespaces/ml-chat/deployments/d',
      '',
      { verb: 'delete', name: 'd' },
    ],
    // a namespace is its own namespace, so a RoleBinding there can grant reading it
    [
      'GET',
      '/api/v1/namespaces/ml-chat',
      '',
      {
        verb: 'get',
        namespace: 'ml-chat',
        resource: 'namespaces',
        name: 'ml-chat',
      },
    ],
    [
      'PUT',
      '/api/v1/namespaces/ml-chat/finalize',
      '',
      {
        verb: 'update',
        namespace: 'ml-chat',
        resource: 'namespaces',
        name: 'ml-chat',
        subresource: 'finalize',
      },
    ],
    // a list of one name can be allowed by resourceNames
    [
      'GET',
      '/api/v1/namespaces/ml-chat/configmaps',
      'fieldSelector=metadata.name%3Dsettings',
      { verb: 'list', name: 'settings' },
    ],
    [
      'GET',
      '/apis/karpenter.sh/v1/nodepools',
      '',
      { verb: 'list', apiGroup: 'karpenter.sh', namespace: '' },
    ],
  ] as Array<[string, string, string, Record<string, unknown>]>)(
    '%s %s?%s',
    (method, path, query, expected) => {
      const attrs = requestAttributes(method, path, new URLSearchParams(query));
      expect(attrs).toMatchObject({ resourceRequest: true, ...expected });
    },
  );

  it.each([
    '/version',
    '/api',
    '/api/v1',
    '/apis',
    '/apis/apps',
    '/apis/apps/v1',
    '/openapi/v3/apis/apps/v1',
    '/healthz',
  ])('treats %s as a non-resource path', path => {
    expect(requestAttributes('GET', path, new URLSearchParams())).toEqual({
      resourceRequest: false,
      path,
      verb: 'get',
      apiGroup: '',
      apiVersion: '',
      resource: '',
      subresource: '',
      namespace: '',
      name: '',
    });
  });
});
