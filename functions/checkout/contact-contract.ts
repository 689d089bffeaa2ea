/**
 * Checkout's contact contract (ORD-6, AFT-1, AFT-2, SEC-2): the one way another capability reads
 * how to reach an order's customer — notifications, which emails or texts them about the order.
 * Events carry ids only; the contact email and phone are decrypted just in time (field encryption,
 * entity `order`, the order id as context) and handed straight to the caller; nothing here logs,
 * caches or stores them. Only those two fields leave this module: an order placed since 2026-12
 * holds its personal data as one sealed value (personal-data.ts), which is opened whole and
 * everything but the email and phone dropped at once; on older orders only the two fields are
 * decrypted. (The same data key opens every field either way: the grant is unchanged.)
 *
 * It reads the order item only (GetItem on `ORDER#<orderId>`, projected to the customer id, the
 * shipping country — which picks the message's language — and the personal data); the
 * caller's function needs that read and `kms:Decrypt` for the `order` entity — nothing else of
 * checkout's. Read-only.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient } from '../../shared/dynamodb.ts';
import { FieldDecryptionError, FieldEncryptor, kmsKeyProvider } from '../../shared/field-encryption.ts';
import { orderKey } from './orders-repository.ts';
import { decryptPersonalData, ORDER_ENTITY, type PersonalDataCipher } from './personal-data.ts';

/** How to reach the customer of an order (email and phone in clear: use, never keep). */
export interface OrderContact {
  readonly customerId: string;
  /** ISO 3166 alpha-2 of the shipping address, when the order has one. */
  readonly shippingCountry?: string;
  /** Absent once the order's personal data is erased. */
  readonly email?: string;
  readonly phone?: string;
}

/** The projected order item the contract reads. */
export interface ContactItem {
  readonly customerId: string;
  readonly shippingCountry?: string;
  /** The sealed record, or the older map of encrypted fields (its email and phone are enough). */
  readonly personal?: string | { readonly email?: string; readonly phone?: string };
}

/** Reads and decrypts the contact of `orderId`; undefined when there is no such order. */
export async function readContact(
  deps: { readonly itemOf: (orderId: string) => Promise<ContactItem | undefined>; readonly cipher: Pick<PersonalDataCipher, 'decryptFields'> },
  orderId: string,
): Promise<OrderContact | undefined> {
  const item = await deps.itemOf(orderId);
  if (!item) return undefined;
  const decrypted = await contactFields(deps.cipher, orderId, item.personal).catch((error: unknown): { email?: string; phone?: string } => {
    // The customer was erased (SEC-3): their keys are destroyed, so there is no contact.
    if (error instanceof FieldDecryptionError && error.reason === 'erased') return {};
    throw error;
  });
  return {
    customerId: item.customerId,
    ...(item.shippingCountry ? { shippingCountry: item.shippingCountry } : {}),
    ...(decrypted.email ? { email: decrypted.email } : {}),
    ...(decrypted.phone ? { phone: decrypted.phone } : {}),
  };
}

/** The email and phone of the stored personal data, decrypted; nothing else of it is kept. */
async function contactFields(cipher: Pick<PersonalDataCipher, 'decryptFields'>, orderId: string, personal: ContactItem['personal']): Promise<{ email?: string; phone?: string }> {
  if (personal === undefined) return {};
  if (typeof personal === 'string') {
    const { email, phone } = await decryptPersonalData(cipher, orderId, personal);
    return { email, phone };
  }
  const encrypted = { email: personal.email, phone: personal.phone };
  if (encrypted.email === undefined && encrypted.phone === undefined) return {};
  return cipher.decryptFields({ entity: ORDER_ENTITY, recordId: orderId }, encrypted);
}

let reader: ((orderId: string) => Promise<OrderContact | undefined>) | undefined;

/** The contract with the real adapters: `ORDERS_TABLE_NAME`, `FIELD_ENCRYPTION_KEY_ID`. */
export function contactReaderFromEnv(): (orderId: string) => Promise<OrderContact | undefined> {
  if (!reader) {
    const tableName = requireSetting('ordersTableName');
    const itemOf = async (orderId: string) => {
      const { Item } = await documentClient().send(
        new GetCommand({
          TableName: tableName,
          Key: orderKey(orderId),
          ProjectionExpression: '#customerId, #country, #personal',
          ExpressionAttributeNames: { '#customerId': 'customerId', '#country': 'shippingCountry', '#personal': 'personal' },
        }),
      );
      return Item as ContactItem | undefined;
    };
    const deps = { itemOf, cipher: new FieldEncryptor({ kms: kmsKeyProvider() }) };
    reader = (orderId) => readContact(deps, orderId);
  }
  return reader;
}
