/**
 * Which customers were erased (SEC-3, KPI-2): privacy's `DELETE /me` crypto-shreds a customer by
 * replacing their keyring record with a tombstone `{ customerId, erasedAt }` (shared/customer-keys.ts).
 * The segments job reads only `customerId` and `erasedAt` of those records (BatchGetItem with a
 * projection: never a wrapped key) and leaves erased customers out of every segment. Env:
 * `CUSTOMER_KEY_TABLE_NAME`.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { batchGet, documentClient } from '../../shared/dynamodb.ts';

/** Of `customerIds`, those whose keyring record is a tombstone. */
export type ErasedCustomers = (customerIds: readonly string[]) => Promise<ReadonlySet<string>>;

export function erasedCustomers(tableName: string, client: Pick<DynamoDBDocumentClient, 'send'> = documentClient()): ErasedCustomers {
  return async (customerIds) => {
    const records = await batchGet(
      client,
      tableName,
      customerIds.map((customerId) => ({ customerId })),
      { consistent: true, projection: ['customerId', 'erasedAt'] },
    );
    return new Set(records.filter((r) => typeof r.erasedAt === 'string').map((r) => String(r.customerId)));
  };
}

export function erasedCustomersFromEnv(): ErasedCustomers {
  return erasedCustomers(requireSetting('customerKeyTableName'));
}
