/**
 * Which customers were erased (SEC-3, KPI-2): privacy's `DELETE /me` crypto-shreds a customer by
 * replacing their keyring record with a tombstone `{ customerId, erasedAt }` (shared/customer-keys.ts).
 * The segments job reads only `customerId` and `erasedAt` of those records (BatchGetItem with a
 * projection: never a wrapped key) and leaves erased customers out of every segment. Env:
 * `CUSTOMER_KEY_TABLE_NAME`.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient } from '../../shared/dynamodb.ts';
import { sleep } from '../../shared/retry.ts';

/** Of `customerIds`, those whose keyring record is a tombstone. */
export type ErasedCustomers = (customerIds: readonly string[]) => Promise<ReadonlySet<string>>;

export function erasedCustomers(tableName: string, client: Pick<DynamoDBDocumentClient, 'send'> = documentClient()): ErasedCustomers {
  return async (customerIds) => {
    const erased = new Set<string>();
    const unique = [...new Set(customerIds)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Array<Record<string, unknown>> = unique.slice(i, i + 100).map((customerId) => ({ customerId }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 8) throw new Error('BatchGetItem left keys unprocessed after 8 attempts');
        if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
        const out = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ProjectionExpression: 'customerId, erasedAt', ConsistentRead: true } } }));
        for (const item of out.Responses?.[tableName] ?? []) if (typeof item.erasedAt === 'string') erased.add(String(item.customerId));
        keys = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Array<Record<string, unknown>>;
      }
    }
    return erased;
  };
}

export function erasedCustomersFromEnv(): ErasedCustomers {
  return erasedCustomers(requireSetting('customerKeyTableName'));
}
