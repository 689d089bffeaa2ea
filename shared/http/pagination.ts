/**
 * Pagination conventions (API.md): `?limit=` (default 20, max 100 — from config) and an opaque
 * `cursor`; responses are `{ items: [...], nextCursor?: string }`.
 */
import * as z from '../zod.ts';
import { getConfig } from '../config.ts';

/** Query schema for `limit` and `cursor`, with the configured default and maximum. */
export function paginationQuerySchema() {
  const { defaultLimit, maxLimit } = getConfig().pagination;
  return z.object({
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(maxLimit)), defaultLimit).check(z.describe(`Page size (default ${defaultLimit}, max ${maxLimit})`)),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))).check(z.describe('Opaque cursor from the previous page’s nextCursor')),
  });
}

/** The response schema of a page of `item`. */
export function pageSchema<T extends z.ZodMiniType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.optional(z.string()).check(z.describe('Pass as ?cursor= to get the next page; absent on the last page')),
  });
}

/** A page of items. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}
