import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  EntityInferenceSummary,
  UsagePoint,
} from '@inference-platform/plugin-inference-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { inferenceApiRef, UsageHistory, UsageQuery } from '../api';
import { InferenceAsyncState } from './useEntityInferenceSummary';

/** Sums the points of several histories bucket by bucket. */
export function mergeUsage(histories: UsageHistory[]): UsagePoint[] {
  const byTime = new Map<string, UsagePoint>();
  const add = (a?: number, b?: number) =>
    a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
  for (const point of histories.flatMap(h => h.points)) {
    const seen = byTime.get(point.t);
    byTime.set(
      point.t,
      seen
        ? {
            ...seen,
            allocatedGpus: seen.allocatedGpus + point.allocatedGpus,
            gpuHours: add(seen.gpuHours, point.gpuHours),
            costUsd: add(seen.costUsd, point.costUsd),
            idleCostUsd: add(seen.idleCostUsd, point.idleCostUsd),
            inputTokens: add(seen.inputTokens, point.inputTokens),
            outputTokens: add(seen.outputTokens, point.outputTokens),
          }
        : point,
    );
  }
  return [...byTime.values()].sort((a, b) => a.t.localeCompare(b.t));
}

/**
 * Which usage filters stand for an entity: a component its own usage, a group what it owns, a system or a
 * cluster resource the services its workloads belong to (the usage API filters by service or owner only).
 */
export function usageQueriesFor(
  entity: Entity,
  summary: EntityInferenceSummary | undefined,
): Array<Pick<UsageQuery, 'entityRef' | 'owner'>> {
  const ref = stringifyEntityRef(entity);
  switch (entity.kind.toLocaleLowerCase('en-US')) {
    case 'component':
      return [{ entityRef: ref }];
    case 'group':
      return [{ owner: ref }];
    default: {
      const members = new Set(
        (summary?.workloads ?? []).flatMap(w =>
          w.entityRef ? [w.entityRef] : [],
        ),
      );
      return [...members].sort().map(entityRef => ({ entityRef }));
    }
  }
}

/**
 * Usage history of the page's entity over `days` days: hourly for a week (from raw samples), daily beyond.
 */
export function useUsageHistory(
  entity: Entity,
  summary: EntityInferenceSummary | undefined,
  days: number,
): InferenceAsyncState<UsageHistory> {
  const api = useApi(inferenceApiRef);
  const granularity = days <= 7 ? 'hour' : 'day';
  const queries = usageQueriesFor(entity, summary);
  const key = JSON.stringify(queries);
  return useAsyncRetry(async () => {
    const histories = await Promise.all(
      queries.map(query => api.getUsage({ ...query, days, granularity })),
    );
    return { granularity, points: mergeUsage(histories) };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `queries`
  }, [api, key, days, granularity]);
}
