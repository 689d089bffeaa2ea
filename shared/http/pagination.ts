/**
 * Pagination conventions (API.md): `?limit=` (default 20, max 100 — from config) and an opaque
 * `cursor`; responses are `{ items: [...], nextCursor?: string }`.
 */
import * as z from 'zod';
import { getConfig } from '../config.ts';

/** Query schema for `limit` and `cursor`, with the configured default and maximum. */
export function paginationQuerySchema() {
  const { defaultLimit, maxLimit } = getConfig().pagination;
  return z.object({
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit).describe(`Page size (default ${defaultLimit}, max ${maxLimit})`),
    cursor: z.string().min(1).max(2048).optional().describe('Opaque cursor from the previous page’s nextCursor'),
  });
}

/** The response schema of a page of `item`. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().optional().describe('Pass as ?cursor= to get the next page; absent on the last page'),
  });
}

/** A page of items. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}
