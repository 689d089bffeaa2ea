/**
 * Checkout's documented API for compliance (CMP-1, CMP-2): where an order item holds personal data.
 * The order item's `personal` attribute holds it, field-encrypted (shared/field-encryption.ts), in
 * one of two forms: one sealed value of the whole record (orders placed since 2026-12, personal-data.ts)
 * or a map of exactly {@link ORDER_PERSONAL_ATTRIBUTES}, each an encrypted value (older orders). The
 * compliance scans check that every stored value is encrypted (plaintext scan) and that they are gone
 * once the retention period after completion has passed (retention scan); {@link storedPersonalValues}
 * lists them whichever the form.
 */
import { everyKeyOf } from '../../shared/every-key.ts';
import type { EncryptedPersonalFields } from './domain/order.ts';

/** The attribute of an order item that holds the personal data. */
export const ORDER_PERSONAL_DATA_ATTRIBUTE = 'personal';

/** The personal attributes of an order (`EncryptedPersonalFields`, the map form), all of them. */
export const ORDER_PERSONAL_ATTRIBUTES = everyKeyOf<EncryptedPersonalFields>()(['name', 'phone', 'line1', 'line2', 'province', 'city', 'district', 'postalCode', 'email']);

/**
 * The values an order item's `personal` attribute stores, each with its path (`personal` for the
 * sealed form, `personal.<field>` for the map form; absent fields omitted); none when it has none.
 * Anything else stored there (a number, a list) is returned as one value at `personal`, so a scan
 * sees it.
 */
export function storedPersonalValues(personal: unknown): Array<readonly [path: string, value: unknown]> {
  if (personal === undefined || personal === null) return [];
  if (typeof personal === 'object' && !Array.isArray(personal)) {
    const fields = personal as Readonly<Record<string, unknown>>;
    return ORDER_PERSONAL_ATTRIBUTES.filter((name) => fields[name] !== undefined).map((name) => [`${ORDER_PERSONAL_DATA_ATTRIBUTE}.${name}`, fields[name]] as const);
  }
  return [[ORDER_PERSONAL_DATA_ATTRIBUTE, personal]];
}
