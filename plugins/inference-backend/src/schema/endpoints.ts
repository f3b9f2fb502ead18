import type { InferenceApiPaths } from '@inference-platform/plugin-inference-common';

// The routes of openapi.yaml as @backstage/backend-openapi-utils' EndpointMap (`#<method>|<path>` → path, query,
// body and success response), derived from the wire types generated from the same spec, so the router's handlers
// are typed by the spec without casts. (Backstage's repo-tools writes this map as Api.server.ts; its generator needs
// a Java jar this build cannot fetch.)

type Method = 'get' | 'put' | 'post' | 'delete';
type Paths = InferenceApiPaths;
type Operation<P extends keyof Paths, M extends Method> = NonNullable<
  Paths[P][M]
>;
/** Empty for a part the operation does not have (openapi-typescript writes it as `?: never`). */
type Part<T> = [Exclude<T, undefined>] extends [never]
  ? Record<string, never>
  : Exclude<T, undefined>;
type JsonBody<T> = T extends { content: { 'application/json': infer Body } }
  ? Body
  : never;
type Parameters<O> = O extends { parameters: infer P } ? P : never;
type Success<O> = O extends { responses: infer R }
  ? JsonBody<R[Extract<keyof R, 200 | 201>]>
  : never;

type Endpoint<O> = {
  path: Part<Parameters<O> extends { path?: infer P } ? P : never>;
  query: Part<Parameters<O> extends { query?: infer Q } ? Q : never>;
  body: Part<O extends { requestBody?: infer B } ? JsonBody<B> : never>;
  response: Success<O>;
};

type Key<P extends string, M extends Method> = `#${M extends 'delete'
  ? '_delete'
  : M}|${P}`;

type Route = {
  [P in keyof Paths & string]: {
    [M in Method]: Paths[P][M] extends undefined
      ? never
      : [Key<P, M>, Endpoint<Operation<P, M>>];
  }[Method];
}[keyof Paths & string];

/** Every route of openapi.yaml, as the typed router takes it. */
export type InferenceEndpoints = {
  [R in Route as R[0]]: R[1];
};
