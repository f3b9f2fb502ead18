import { publicClusterError } from './clusterErrors';

describe('publicClusterError', () => {
  it.each([
    ['API server did not answer within 2000 ms', 'timed out'],
    ['list /api/v1/pods timed out after 10000 ms', 'timed out'],
    ['watch silent for 90000 ms', 'timed out'],
    ['API server unreachable: API server answered 401', 'unauthorised (401)'],
    [
      'list /apis/apps/v1/deployments answered 403: deployments.apps is forbidden: User "system:serviceaccount:x:y" cannot list',
      'forbidden (403): cannot list deployments.apps',
    ],
    [
      'watch /api/v1/pods answered 403: Forbidden',
      'forbidden (403): cannot watch pods',
    ],
    [
      'watch /apis/keda.sh/v1alpha1/scaledobjects answered 403: Forbidden',
      'forbidden (403): cannot watch scaledobjects.keda.sh',
    ],
    [
      'API server refused the credentials: GET /version answered 401',
      'unauthorised (401)',
    ],
    [
      'watch /api/v1/pods answered 500: Internal Server Error',
      'server error (500)',
    ],
    ['watch error 500: etcdserver: request timed out', 'timed out'],
    ['watch error 503: the server is shutting down', 'server error (503)'],
    ['Unauthorized', 'unauthorised (401)'],
    ['Forbidden', 'forbidden (403)'],
    [
      'API server unreachable: request to https://10.0.0.12:6443/version failed, reason: connect ECONNREFUSED 10.0.0.12:6443',
      'unreachable',
    ],
    ['API server unreachable: fetch failed', 'unreachable'],
    [
      'request to https://k8s.internal:6443/api failed, reason: self-signed certificate in certificate chain',
      'TLS certificate rejected',
    ],
    [
      "ENOENT: no such file or directory, open '/etc/secrets/ca.crt'\n    at Object.openSync (node:fs:573:3)",
      'failing (details in the backend log)',
    ],
    [undefined, undefined],
  ])('%p -> %p', (message, expected) => {
    expect(publicClusterError(message)).toBe(expected);
  });
});
