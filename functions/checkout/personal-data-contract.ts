/**
 * Checkout's documented API for compliance (CMP-1, CMP-2): where an order item holds personal data.
 * The order item's `personal` map holds exactly these attributes, each a field-encrypted value
 * (shared/field-encryption.ts); the compliance scans check that they are (plaintext scan) and that
 * they are gone once the retention period after completion has passed (retention scan).
 */
import type { EncryptedPersonalData } from './domain/order.ts';

/** The attribute of an order item that holds the personal data. */
export const ORDER_PERSONAL_DATA_ATTRIBUTE = 'personal';

/** The personal attributes of an order (`EncryptedPersonalData`), all of them. */
export const ORDER_PERSONAL_ATTRIBUTES = [
  'name',
  'phone',
  'line1',
  'line2',
  'province',
  'city',
  'district',
  'postalCode',
  'email',
] as const satisfies readonly (keyof EncryptedPersonalData)[];

// Compile-time check that the list names every attribute: a new one fails to type-check here.
type Missing = Exclude<keyof EncryptedPersonalData, (typeof ORDER_PERSONAL_ATTRIBUTES)[number]>;
export const EVERY_PERSONAL_ATTRIBUTE_LISTED: Missing extends never ? true : never = true;
