import { InputError } from '@backstage/errors';

/** Items per page when the request names no limit. */
export const DEFAULT_PAGE_SIZE = 100;
/** The largest page a request may ask for (the spec's pattern allows no more). */
export const MAX_PAGE_SIZE = 1000;

/** The page size of a request: its `limit` query parameter (validated by the spec) or the default. */
export function pageSize(limit: string | undefined): number {
  const size = limit === undefined ? DEFAULT_PAGE_SIZE : Number(limit);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new InputError(`limit must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/** An opaque cursor: base64url JSON of where the previous page ended. */
export function encodeCursor(position: object): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/**
 * The position a cursor of {@link encodeCursor} holds, checked by `parse` (which returns undefined for anything this
 * API did not hand out); a 400 naming `cursor` otherwise.
 */
export function decodeCursor<T>(
  cursor: string | undefined,
  parse: (value: any) => T | undefined,
): T | undefined {
  if (cursor === undefined) return undefined;
  let position: T | undefined;
  try {
    position = parse(JSON.parse(Buffer.from(cursor, 'base64url').toString()));
  } catch {
    position = undefined;
  }
  if (position === undefined) {
    throw new InputError(
      'cursor is not one this API handed out: pass the nextCursor of the previous page',
    );
  }
  return position;
}

/** A page of a list answer: the items, how many there are in all, and the cursor of the next page if any. */
export function pageOf<T, R>(
  items: T[],
  size: number,
  totalCount: number,
  cursorAfter: (last: T) => object,
  present: (item: T) => R,
): { items: R[]; totalCount: number; nextCursor?: string } {
  const page = items.slice(0, size);
  return {
    items: page.map(present),
    totalCount,
    // one more item than asked for was read: there is a next page
    nextCursor:
      items.length > size
        ? encodeCursor(cursorAfter(page[page.length - 1]))
        : undefined,
  };
}
