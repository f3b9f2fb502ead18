import { TableOptions } from '@backstage/core-components';

/** The governance page's tables: all rows at once (a fleet has tens, not thousands), dense, searchable. */
export const TABLE_OPTIONS: TableOptions = {
  paging: false,
  padding: 'dense',
  search: true,
};

/** For cells of names and GPU types, which read badly when broken over lines. */
export const NO_WRAP = { whiteSpace: 'nowrap' } as const;
