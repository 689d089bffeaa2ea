/**
 * Returns' contract with privacy (SEC-3): a customer's returns for their data export
 * (`GET /me/data`), the comment decrypted (empty once the customer is erased: it was sealed under
 * the customer's own key). A privacy function using it needs Query on the ReturnsTable's
 * `byCustomer` index and kms:Decrypt of `return` data keys.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient, queryAll } from '../../shared/dynamodb.ts';
import { FieldEncryptor, kmsKeyProvider } from '../../shared/field-encryption.ts';
import { commentCipher, type CommentCipher } from './runtime.ts';

/** A return in a customer's data export. */
export interface ExportedReturn {
  readonly returnId: string;
  readonly orderId: string;
  readonly kind: string;
  readonly status: string;
  readonly reason?: string;
  readonly items: unknown;
  readonly createdAt?: string;
  readonly comment?: string;
}

/** Every return of the customer, newest last. */
export async function exportCustomerReturns(
  deps: { readonly client: Pick<DynamoDBDocumentClient, 'send'>; readonly tableName: string; readonly cipher: Pick<CommentCipher, 'open'> },
  customerId: string,
): Promise<ExportedReturn[]> {
  const items = await queryAll(deps.client, {
    TableName: deps.tableName,
    IndexName: 'byCustomer',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` },
  });
  const exported: ExportedReturn[] = [];
  for (const item of items.filter((i) => i.sk === 'RETURN')) {
    const returnId = String(item.returnId);
    const comment = typeof item.comment === 'string' ? await deps.cipher.open(returnId, item.comment) : undefined;
    exported.push({
      returnId,
      orderId: String(item.orderId),
      kind: String(item.kind),
      status: String(item.status),
      ...(typeof item.reason === 'string' ? { reason: item.reason } : {}),
      items: item.items,
      ...(typeof item.createdAt === 'string' ? { createdAt: item.createdAt } : {}),
      ...(comment ? { comment } : {}),
    });
  }
  return exported;
}

/** The contract with the real adapters: `RETURNS_TABLE_NAME`, the field key. */
export function customerReturnsExporterFromEnv(): (customerId: string) => Promise<ExportedReturn[]> {
  const cipher = commentCipher(new FieldEncryptor({ kms: kmsKeyProvider() }));
  return (customerId) => exportCustomerReturns({ client: documentClient(), tableName: requireSetting('returnsTableName'), cipher }, customerId);
}
