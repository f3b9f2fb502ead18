import { InputError } from '@backstage/errors';

/**
 * How far back GET /usage may read. Hourly points come from raw samples (one row per workload and sampling
 * interval), so an unfiltered hourly read of two weeks loads the whole fleet's samples; daily points come from
 * roll-ups (one row per workload and day).
 */
export const USAGE_BOUNDS = {
  /** Hourly, for the whole fleet. */
  hourUnfiltered: 2,
  /** Hourly, narrowed to one entity or owner (the entity cards chart a week). */
  hourFiltered: 7,
  /** Daily, for the whole fleet (a quarter). */
  dayUnfiltered: 92,
} as const;

/** The window of a usage request, or a 400 naming `days` when it reads more than {@link USAGE_BOUNDS} allow. */
export function usageWindow(query: {
  days?: string;
  granularity?: 'hour' | 'day';
  entityRef?: string;
  owner?: string;
}): { days: number; granularity: 'hour' | 'day' } {
  const granularity = query.granularity ?? 'day';
  const filtered = Boolean(query.entityRef || query.owner);
  let max: number | undefined;
  if (granularity === 'hour') {
    max = filtered ? USAGE_BOUNDS.hourFiltered : USAGE_BOUNDS.hourUnfiltered;
  } else if (!filtered) {
    max = USAGE_BOUNDS.dayUnfiltered;
  }
  let days = granularity === 'hour' ? USAGE_BOUNDS.hourUnfiltered : 30;
  if (query.days) days = Number(query.days);
  if (max !== undefined && days > max) {
    let hint = 'narrow it with entityRef or owner';
    if (granularity === 'hour') {
      hint = filtered
        ? 'use granularity=day for longer windows'
        : `narrow it with entityRef or owner (up to ${USAGE_BOUNDS.hourFiltered} days) or use granularity=day`;
    }
    throw new InputError(
      `days must be at most ${max} with granularity=${granularity}${
        filtered ? '' : ' and no entityRef or owner'
      } (got ${days}): ${hint}`,
    );
  }
  return { days, granularity };
}
