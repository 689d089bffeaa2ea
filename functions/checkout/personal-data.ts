/**
 * The order's personal data (SEC-2): the recipient's name, phone, address lines, province, city,
 * district, postal code and the contact email are encrypted with the kernel's field encryption (entity `order`, record
 * id = the order id, so a value copied onto another order does not decrypt) before anything is
 * written, under the customer's own data key (subject = the customer id, format v2), so erasing
 * the customer (SEC-3) makes every copy unreadable. The shipping zone and the country stay in clear: routing and allocation need them.
 *
 * **One sealed value per order.** The fields are sealed together, as the JSON of the record, into one
 * field-encrypted value (field name `personal`): the order item's `personal` attribute is that one
 * string. Orders placed before 2026-12 hold a map of one encrypted value per field; both read the same
 * ({@link decryptPersonalData}). One value instead of up to nine matters for cost: each v2 value
 * carries the customer id, an IV and a tag (≈ 80 bytes before its text), and the order item is
 * rewritten whole at every status change, billed per started KB — the map made a one-line order's item
 * ≈ 2.3 KB, the sealed value ≈ 1.8 KB (docs/performance.md).
 */
import { FieldDecryptionError, type FieldEncryptor } from '../../shared/field-encryption.ts';
import type { EncryptedPersonalData, EncryptedPersonalFields, PersonalDataFields } from './domain/order.ts';
import type { AddressInput } from './domain/order-request.ts';

/** The encryptor port (the kernel's FieldEncryptor). */
export type PersonalDataCipher = Pick<FieldEncryptor, 'encryptFields' | 'decryptFields'>;

/** The personal data of an order, in clear. */
export type PersonalData = PersonalDataFields;

/** The field-encryption entity kind of orders. */
export const ORDER_ENTITY = 'order';

/** The personal part of an order request. */
export function personalDataOf(address: AddressInput, email: string): PersonalData {
  return {
    name: address.name,
    phone: address.phone,
    line1: address.line1,
    ...(address.line2 !== undefined ? { line2: address.line2 } : {}),
    ...(address.province !== undefined ? { province: address.province } : {}),
    city: address.city,
    ...(address.district !== undefined ? { district: address.district } : {}),
    postalCode: address.postalCode,
    email,
  };
}

/** The field name the sealed record is bound to (part of its authenticated context). */
const SEALED_FIELD = 'personal';

/** Encrypts the personal data of order `orderId` under the key of its customer: one sealed value. */
export async function encryptPersonalData(cipher: PersonalDataCipher, orderId: string, customerId: string, data: PersonalData): Promise<EncryptedPersonalData> {
  const record = JSON.stringify(withoutAbsent(fieldsOf(data)));
  const sealed = await cipher.encryptFields({ entity: ORDER_ENTITY, recordId: orderId, subject: customerId }, { [SEALED_FIELD]: record });
  return sealed[SEALED_FIELD];
}

/**
 * Decrypts the personal data of order `orderId`, sealed (one value) or as a map of encrypted fields
 * (orders placed before 2026-12). Fails for values that belong to another order, and with reason
 * `erased` once its customer was erased. See {@link readablePersonalData} for reads that must survive
 * an erasure.
 */
export async function decryptPersonalData(cipher: Pick<PersonalDataCipher, 'decryptFields'>, orderId: string, data: EncryptedPersonalData): Promise<PersonalData> {
  if (typeof data !== 'string') {
    const decrypted = await cipher.decryptFields({ entity: ORDER_ENTITY, recordId: orderId }, fieldsOf(data));
    return withoutAbsent(decrypted) as unknown as PersonalData;
  }
  const opened = await cipher.decryptFields({ entity: ORDER_ENTITY, recordId: orderId }, { [SEALED_FIELD]: data });
  return personalDataFromRecord(orderId, opened[SEALED_FIELD]);
}

/** The fields of a decrypted record (authenticated, so malformed only through a bug: that is an error, never a guess). */
function personalDataFromRecord(orderId: string, record: string): PersonalData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record);
  } catch {
    parsed = undefined;
  }
  const fields = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  const required = ['name', 'phone', 'line1', 'city', 'postalCode', 'email'] as const;
  if (!fields || !Object.values(fields).every((v) => typeof v === 'string') || !required.every((k) => typeof fields[k] === 'string')) {
    throw new Error(`order ${orderId}: its sealed personal data is not a personal-data record`);
  }
  // Only the known fields, in their usual order (an unknown one is dropped, never shown).
  return withoutAbsent(fieldsOf(fields as unknown as PersonalDataFields)) as unknown as PersonalData;
}

/** Every personal field, optional ones as given (the encryptor skips absent ones). */
function fieldsOf(data: EncryptedPersonalFields): Record<string, string | undefined> {
  return {
    name: data.name,
    phone: data.phone,
    line1: data.line1,
    line2: data.line2,
    province: data.province,
    city: data.city,
    district: data.district,
    postalCode: data.postalCode,
    email: data.email,
  };
}

function withoutAbsent(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/**
 * The personal data of an order as a reader may see it: undefined when the order has none any more
 * (erased by the customer or by retention), or when its customer's keys are destroyed (erased while
 * this copy was in flight) — never an error for an erased customer.
 */
export async function readablePersonalData(cipher: PersonalDataCipher, orderId: string, data: EncryptedPersonalData | undefined): Promise<PersonalData | undefined> {
  if (!data || (typeof data !== 'string' && Object.keys(data).length === 0)) return undefined;
  try {
    return await decryptPersonalData(cipher, orderId, data);
  } catch (error) {
    if (error instanceof FieldDecryptionError && error.reason === 'erased') return undefined;
    throw error;
  }
}

/** `{ personal }` when there is any, else nothing (an erased order shows none). */
export function optionalPersonal(personal: PersonalData | undefined): { personal?: PersonalData } {
  return personal ? { personal } : {};
}
