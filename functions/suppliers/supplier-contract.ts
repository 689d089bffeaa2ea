/**
 * Suppliers' read-only contract (SUP-1, CMP-1): what other capabilities — the compliance scans —
 * may read of the SuppliersTable, page by page: each supplier's id, status, licences, SKUs and
 * annual review. It only queries the suppliers' partition (`dynamodb:Query`); it never writes and
 * never sees deliveries. No personal data: supplier records hold none.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient } from '../../shared/dynamodb.ts';
import type { AnnualReview, Licence, SuppliedSku, SupplierStatus } from './domain/supplier.ts';

export { chinaDay, daysBetween, isExpired, ENDED_STATUSES, type AnnualReview, type Licence, type SuppliedSku, type SupplierStatus } from './domain/supplier.ts';

/** What the contract shows of a supplier. */
export interface SupplierSnapshot {
  readonly supplierId: string;
  readonly status: SupplierStatus;
  readonly licences: readonly Licence[];
  readonly skus: readonly SuppliedSku[];
  readonly review?: AnnualReview;
}

/** The read-only port. */
export interface SupplierDirectory {
  /** Every supplier, one page at a time (ordered by id). */
  pages(pageSize?: number): AsyncIterable<readonly SupplierSnapshot[]>;
}

/** The directory over a SuppliersTable. */
export function supplierDirectory(tableName: string, client: Pick<DynamoDBDocumentClient, 'send'> = documentClient()): SupplierDirectory {
  return {
    async *pages(pageSize = 100) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': 'SUPPLIERS' },
            ProjectionExpression: 'supplierId, #status, licences, skus, review',
            ExpressionAttributeNames: { '#status': 'status' },
            Limit: pageSize,
            ExclusiveStartKey: startKey,
          }),
        );
        yield (page.Items ?? []).map((i) => ({
          supplierId: String(i.supplierId),
          status: i.status as SupplierStatus,
          licences: (i.licences ?? []) as Licence[],
          skus: (i.skus ?? []) as SuppliedSku[],
          ...(i.review ? { review: i.review as AnnualReview } : {}),
        }));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    },
  };
}

/** The directory over `SUPPLIERS_TABLE_NAME`. */
export function supplierDirectoryFromEnv(): SupplierDirectory {
  return supplierDirectory(requireSetting('suppliersTableName'));
}
