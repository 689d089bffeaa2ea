/**
 * Checkout's contact contract (ORD-6, AFT-1, AFT-2, SEC-2): the one way another capability reads
 * how to reach an order's customer — notifications, which emails or texts them about the order.
 * Events carry ids only; the contact email and phone are decrypted just in time (field encryption,
 * entity `order`, the order id as context) and handed straight to the caller; nothing here logs,
 * caches or stores them. Only those two fields are decrypted (never the name or the address).
 *
 * It reads the order item only (GetItem on `ORDER#<orderId>`, projected to the customer id, the
 * shipping country — which picks the message's language — and the two encrypted fields); the
 * caller's function needs that read and `kms:Decrypt` for the `order` entity — nothing else of
 * checkout's. Read-only.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient } from '../../shared/dynamodb.ts';
import { FieldDecryptionError, FieldEncryptor, kmsKeyProvider } from '../../shared/field-encryption.ts';
import { orderKey } from './orders-repository.ts';
import { ORDER_ENTITY, type PersonalDataCipher } from './personal-data.ts';

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
  readonly personal?: { readonly email?: string; readonly phone?: string };
}

/** Reads and decrypts the contact of `orderId`; undefined when there is no such order. */
export async function readContact(
  deps: { readonly itemOf: (orderId: string) => Promise<ContactItem | undefined>; readonly cipher: Pick<PersonalDataCipher, 'decryptFields'> },
  orderId: string,
): Promise<OrderContact | undefined> {
  const item = await deps.itemOf(orderId);
  if (!item) return undefined;
  const encrypted = { email: item.personal?.email, phone: item.personal?.phone };
  const decrypted: { email?: string; phone?: string } =
    encrypted.email === undefined && encrypted.phone === undefined
      ? {}
      : await deps.cipher.decryptFields({ entity: ORDER_ENTITY, recordId: orderId }, encrypted).catch((error: unknown) => {
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
          ProjectionExpression: '#customerId, #country, #personal.#email, #personal.#phone',
          ExpressionAttributeNames: { '#customerId': 'customerId', '#country': 'shippingCountry', '#personal': 'personal', '#email': 'email', '#phone': 'phone' },
        }),
      );
      return Item as ContactItem | undefined;
    };
    const deps = { itemOf, cipher: new FieldEncryptor({ kms: kmsKeyProvider() }) };
    reader = (orderId) => readContact(deps, orderId);
  }
  return reader;
}
