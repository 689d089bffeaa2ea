/**
 * Ids are ULIDs (API.md: opaque strings): 26 Crockford base-32 characters, sortable by creation
 * time, so "newest first" is a key-order query. Generated monotonically within a container so ids
 * created in the same millisecond still sort in creation order.
 */
import { monotonicFactory } from 'ulid';

const generate = monotonicFactory();

/** A new ULID; `at` sets its time part (default: now). */
export function newId(at?: Date): string {
  return generate(at ? at.getTime() : undefined);
}

/** A ULID: 26 characters of Crockford's base 32 (no I, L, O, U). */
export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** True when `value` looks like a ULID. */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ULID_PATTERN.test(value);
}
