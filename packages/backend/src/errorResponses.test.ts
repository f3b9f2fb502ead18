import { withoutStackTraces } from './errorResponses';

describe('withoutStackTraces', () => {
  it('drops the stack of an error body and of every cause, keeping name, message and the rest', () => {
    const body = {
      error: {
        name: 'ForwardedError',
        message: "Cluster 'gpu-a' request error",
        stack:
          'ForwardedError: ...\n    at /srv/backstage/node_modules/x.js:1:1',
        cause: {
          name: 'Error',
          message: 'connect ECONNREFUSED',
          stack: 'Error: connect ECONNREFUSED\n    at /srv/backstage/y.js:2:2',
        },
      },
      request: { method: 'GET', url: '/api/kubernetes/proxy' },
      response: { statusCode: 500 },
    };
    expect(withoutStackTraces(body)).toEqual({
      error: {
        name: 'ForwardedError',
        message: "Cluster 'gpu-a' request error",
        cause: { name: 'Error', message: 'connect ECONNREFUSED' },
      },
      request: { method: 'GET', url: '/api/kubernetes/proxy' },
      response: { statusCode: 500 },
    });
  });

  it.each([
    [{ items: [{ stack: 'a field of an answer' }] }],
    [{ error: 'a string, not an error object' }],
    [[1, 2, 3]],
    [null],
    ['text'],
  ])('leaves an answer that is not an error body as it is: %p', body => {
    expect(withoutStackTraces(body)).toEqual(body);
  });
});
