/**
 * Checkout's recipient contract (FUL-3, SEC-2): the one way another capability reads an order's
 * recipient — fulfillment's booking with a real carrier, which must print a label. The recipient's
 * name, phone and address are decrypted just in time (field encryption, entity `order`, the order
 * id as context) and handed straight to the caller; nothing here logs, caches or stores them.
 *
 * It reads the order item only (GetItem on `ORDER#<orderId>`); the caller's function needs that
 * read and `kms:Decrypt` for the `order` entity — nothing else of checkout's.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient } from '../../shared/dynamodb.ts';
import { FieldEncryptor, kmsKeyProvider } from '../../shared/field-encryption.ts';
import type { EncryptedPersonalData } from './domain/order.ts';
import { orderKey } from './orders-repository.ts';
import { readablePersonalData, type PersonalDataCipher } from './personal-data.ts';

/** The recipient as printed on a label. */
export interface OrderRecipient {
  readonly name: string;
  readonly phone: string;
  /** Province, city, district, street lines and postcode, in the order a Chinese label prints them. */
  readonly printAddress: string;
}

/** The order is not there (or was erased): nothing can be printed. */
export class RecipientUnavailableError extends Error {
  override readonly name = 'RecipientUnavailableError';
}

/** Reads and decrypts the recipient of `orderId`. */
export async function readRecipient(
  deps: { readonly encryptedOf: (orderId: string) => Promise<EncryptedPersonalData | undefined>; readonly cipher: PersonalDataCipher },
  orderId: string,
): Promise<OrderRecipient> {
  const encrypted = await deps.encryptedOf(orderId);
  // Erased (SEC-3: the customer's erasure or retention) reads as no recipient, never as an error.
  const personal = await readablePersonalData(deps.cipher, orderId, encrypted);
  if (!personal) throw new RecipientUnavailableError(`order ${orderId} has no recipient to read`);
  const printAddress = [personal.province, personal.city, personal.district, personal.line1, personal.line2]
    .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
    // Consecutive duplicates (a municipality's province and city are the same: 上海市 上海市).
    .filter((part, i, all) => i === 0 || part !== all[i - 1])
    .join(' ');
  return { name: personal.name, phone: personal.phone, printAddress: `${printAddress} ${personal.postalCode}`.trim() };
}

let reader: ((orderId: string) => Promise<OrderRecipient>) | undefined;

/** The contract with the real adapters: `ORDERS_TABLE_NAME`, `FIELD_ENCRYPTION_KEY_ID`. */
export function recipientReaderFromEnv(): (orderId: string) => Promise<OrderRecipient> {
  if (!reader) {
    const tableName = requireSetting('ordersTableName');
    const encryptedOf = async (orderId: string) => {
      const { Item } = await documentClient().send(new GetCommand({ TableName: tableName, Key: orderKey(orderId), ProjectionExpression: 'personal' }));
      return Item?.personal as EncryptedPersonalData | undefined;
    };
    const deps = { encryptedOf, cipher: new FieldEncryptor({ kms: kmsKeyProvider() }) };
    reader = (orderId) => readRecipient(deps, orderId);
  }
  return reader;
}
