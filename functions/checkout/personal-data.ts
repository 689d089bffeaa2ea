/**
 * The order's personal data (SEC-2): the recipient's name, phone, address lines, province, city,
 * district, postal code and the contact email are encrypted with the kernel's field encryption (entity `order`, record
 * id = the order id, so a value copied onto another order does not decrypt) before anything is
 * written, under the customer's own data key (subject = the customer id, format v2), so erasing
 * the customer (SEC-3) makes every copy unreadable. The shipping zone and the country stay in clear: routing and allocation need them.
 */
import { FieldDecryptionError, type FieldEncryptor } from '../../shared/field-encryption.ts';
import type { EncryptedPersonalData, PersonalDataFields } from './domain/order.ts';
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

/** Encrypts the personal data of order `orderId` under the key of its customer. */
export async function encryptPersonalData(cipher: PersonalDataCipher, orderId: string, customerId: string, data: PersonalData): Promise<EncryptedPersonalData> {
  const encrypted = await cipher.encryptFields({ entity: ORDER_ENTITY, recordId: orderId, subject: customerId }, fieldsOf(data));
  return withoutAbsent(encrypted) as unknown as EncryptedPersonalData;
}

/**
 * Decrypts the personal data of order `orderId` (fails for values that belong to another order,
 * and with reason `erased` once its customer was erased). See {@link readablePersonalData} for reads
 * that must survive an erasure.
 */
export async function decryptPersonalData(cipher: PersonalDataCipher, orderId: string, data: EncryptedPersonalData): Promise<PersonalData> {
  const decrypted = await cipher.decryptFields({ entity: ORDER_ENTITY, recordId: orderId }, fieldsOf(data));
  return withoutAbsent(decrypted) as unknown as PersonalData;
}

/** Every personal field, optional ones as given (the encryptor skips absent ones). */
function fieldsOf(data: PersonalDataFields): Record<string, string | undefined> {
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
  if (!data || Object.keys(data).length === 0) return undefined;
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
