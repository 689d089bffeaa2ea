/**
 * Validation of free text a person types (names, reasons, notes): no control characters (C0, DEL,
 * C1), so nothing can forge log lines or hide text. Pure (zod only).
 */
import { z } from 'zod';

/** True when `value` has no control characters (C0, DEL, C1). */
export function hasNoControlCharacters(value: string): boolean {
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return false;
  }
  return true;
}

/** Free text: trimmed, 1 to `max` characters, no control characters. */
export const freeText = (max: number) => z.string().trim().min(1).max(max).refine(hasNoControlCharacters, 'Must not contain control characters');
