/**
 * The order's personal data (SEC-2): the recipient's name, phone, address lines, province, city,
 * district, postal code and the contact email are encrypted with the kernel's field encryption (entity `order`, record
 * id = the order id, so a value copied onto another order does not decrypt) before anything is
 * written. The shipping zone and the country stay in clear: routing and allocation need them.
 */
import type { FieldEncryptor } from '../../shared/field-encryption.ts';
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

/** Encrypts the personal data of order `orderId`. */
export async function encryptPersonalData(cipher: PersonalDataCipher, orderId: string, data: PersonalData): Promise<EncryptedPersonalData> {
  const encrypted = await cipher.encryptFields({ entity: ORDER_ENTITY, recordId: orderId }, fieldsOf(data));
  return withoutAbsent(encrypted) as unknown as EncryptedPersonalData;
}

/** Decrypts the personal data of order `orderId` (fails for values that belong to another order). */
export async function decryptPersonalData(cipher: PersonalDataCipher, orderId: string, data: EncryptedPersonalData): Promise<PersonalData> {
  const decrypted = await cipher.decryptFields({ entity: ORDER_ENTITY, recordId: orderId }, fieldsOf(data));
  return withoutAbsent(decrypted) as unknown as PersonalData;
}

/** Every personal field, optional ones as given (the encryptor skips absent ones). */
function fieldsOf(data: PersonalDataFields): Record<string, string | undefined> {
  return { name: data.name, phone: data.phone, line1: data.line1, line2: data.line2, province: data.province, city: data.city, district: data.district, postalCode: data.postalCode, email: data.email };
}

function withoutAbsent(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
