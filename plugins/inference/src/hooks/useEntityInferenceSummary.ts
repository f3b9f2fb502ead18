import { Entity, getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { EntityInferenceSummary } from '@inference-platform/plugin-inference-common';
import { useCallback, useRef } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { EntityLocator, InferenceApi, inferenceApiRef } from '../api';

/** How long a summary is shared between cards of one page before it is fetched again. */
const SHARE_FOR_MS = 10_000;

interface Shared {
  at: number;
  summary: Promise<EntityInferenceSummary>;
}

// Per API instance, so tests with different mocks never see each other's answers.
const sharedByApi = new WeakMap<InferenceApi, Map<string, Shared>>();

/**
 * The summary of an entity, fetched once for all cards that mount together (health, cost and capacity on one
 * page would otherwise make three identical requests). `reload` skips the shared answer.
 */
export function loadEntitySummary(
  api: InferenceApi,
  entity: EntityLocator,
  options: { reload?: boolean; now?: number } = {},
): Promise<EntityInferenceSummary> {
  const now = options.now ?? Date.now();
  let shared = sharedByApi.get(api);
  if (!shared) {
    shared = new Map();
    sharedByApi.set(api, shared);
  }
  const key = `${entity.kind}:${entity.namespace}/${entity.name}`.toLowerCase();
  const hit = shared.get(key);
  if (hit && !options.reload && now - hit.at < SHARE_FOR_MS) return hit.summary;

  const summary = api.getEntitySummary(entity);
  const entry = { at: now, summary };
  shared.set(key, entry);
  // a failure is not shared: the next card or a retry asks again
  summary.catch(() => {
    if (shared!.get(key) === entry) shared!.delete(key);
  });
  return summary;
}

/**
 * State of a card's data: the answer, or loading / error, and a retry that fetches fresh data.
 *
 * @public
 */
export interface InferenceAsyncState<T> {
  loading: boolean;
  error?: Error;
  value?: T;
  retry(): void;
}

/**
 * The inference summary of the entity of the current page, shared between the inference cards of that page.
 *
 * @public
 */
export function useEntityInferenceSummary(): InferenceAsyncState<EntityInferenceSummary> & {
  entity: Entity;
} {
  const { entity } = useEntity();
  const api = useApi(inferenceApiRef);
  const { kind, namespace, name } = getCompoundEntityRef(entity);
  const reloadNext = useRef(false);
  const state = useAsyncRetry(() => {
    const reload = reloadNext.current;
    reloadNext.current = false;
    return loadEntitySummary(api, { kind, namespace, name }, { reload });
  }, [api, kind, namespace, name]);
  const { retry: retryState } = state;
  const retry = useCallback(() => {
    reloadNext.current = true;
    retryState();
  }, [retryState]);
  return {
    entity,
    loading: state.loading,
    error: state.error,
    value: state.value,
    retry,
  };
}
