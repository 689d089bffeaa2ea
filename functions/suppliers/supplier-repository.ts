/**
 * Suppliers' storage: the SuppliersTable (`SUPPLIERS_TABLE_NAME`), single-table design.
 *
 * | item | pk | sk |
 * |---|---|---|
 * | supplier | `SUPPLIERS` | `SUPPLIER#<supplierId>` |
 * | delivery | `SUPPLIER#<supplierId>` | `DELIVERY#<deliveryId>` (ULID: oldest first) |
 *
 * Suppliers share one partition: a business has hundreds of them, not millions, and the list, the
 * licence sweep and the compliance scans read them all in order. A supplier carries a `version`;
 * every change is conditional on it, and a delivery is written in one transaction with the
 * supplier's scorecard counts (and any status change the delivery triggers). No personal data is
 * stored: supplier records hold company names, licence numbers and SKUs — no contact persons.
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lazily } from '../../shared/lazily.ts';
import * as z from '../../shared/zod.ts';
import { requireSetting } from '../../shared/config.ts';
import { decodeCursor, documentClient, encodeCursor, isConditionalCheckFailed, isTransactionConditionFailed, isTransactionConflict } from '../../shared/dynamodb.ts';
import type { InspectionResult, ScorecardCounts } from './domain/scorecard.ts';
import type { AnnualReview, Licence, SuppliedSku, SupplierStatus } from './domain/supplier.ts';

/** The partition every supplier item lives in (read by the supplier contract too). */
export const SUPPLIERS_PK = 'SUPPLIERS';
export const supplierSk = (supplierId: string) => `SUPPLIER#${supplierId}`;
const deliveriesPk = (supplierId: string) => `SUPPLIER#${supplierId}`;
const deliverySk = (deliveryId: string) => `DELIVERY#${deliveryId}`;

/** A supplier as stored. */
export interface SupplierRecord {
  readonly supplierId: string;
  readonly name: string;
  readonly status: SupplierStatus;
  /** Why it has its status when the system set it (`delay-rate-above-threshold`, …) or `staff`. */
  readonly statusReason: string;
  readonly statusChangedAt: string;
  readonly licences: readonly Licence[];
  readonly skus: readonly SuppliedSku[];
  readonly review?: AnnualReview;
  readonly counts: ScorecardCounts;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly version: number;
}

/** A delivery as stored. */
export interface DeliveryRecord {
  readonly deliveryId: string;
  readonly supplierId: string;
  readonly sku: string;
  readonly units: number;
  readonly promisedOn: string;
  readonly receivedOn: string;
  readonly late: boolean;
  readonly inspection: InspectionResult;
  readonly recordedAt: string;
  readonly recordedBy: string;
}

/** Someone else changed the supplier since it was read. */
export class SupplierWriteConflict extends Error {
  override readonly name = 'SupplierWriteConflict';
}

const ListCursor = /* @__PURE__ */ lazily(() => z.strictObject({ pk: z.literal(SUPPLIERS_PK), sk: z.string().check(z.startsWith('SUPPLIER#'), z.maxLength(200)) }));

function toSupplier(item: Record<string, unknown>): SupplierRecord {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as SupplierRecord;
}

function toDelivery(item: Record<string, unknown>): DeliveryRecord {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as DeliveryRecord;
}

/** See the module documentation. */
export class SupplierRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async get(supplierId: string): Promise<SupplierRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: SUPPLIERS_PK, sk: supplierSk(supplierId) }, ConsistentRead: true }));
    return Item ? toSupplier(Item) : undefined;
  }

  /** A page of suppliers by id, optionally only those with `status` (filtered while reading: a page may be short). */
  async list(query: { limit: number; cursor?: string; status?: SupplierStatus }): Promise<{ items: SupplierRecord[]; nextCursor?: string }> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ...(query.status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } } : {}),
        ExpressionAttributeValues: { ':pk': SUPPLIERS_PK, ...(query.status ? { ':status': query.status } : {}) },
        Limit: query.limit,
        ExclusiveStartKey: decodeCursor(query.cursor, ListCursor()),
      }),
    );
    return { items: (page.Items ?? []).map(toSupplier), ...(page.LastEvaluatedKey ? { nextCursor: encodeCursor(page.LastEvaluatedKey) } : {}) };
  }

  /** Creates (`expectedVersion` undefined: only if absent) or replaces the supplier at `expectedVersion`. */
  async put(supplier: SupplierRecord, expectedVersion: number | undefined): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: SUPPLIERS_PK, sk: supplierSk(supplier.supplierId), ...supplier },
          ConditionExpression: expectedVersion === undefined ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(expectedVersion === undefined ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new SupplierWriteConflict(supplier.supplierId);
      throw error;
    }
  }

  /** The delivery and the supplier it changed (read at `expectedVersion`), in one transaction. */
  async recordDelivery(delivery: DeliveryRecord, supplier: SupplierRecord, expectedVersion: number): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: deliveriesPk(delivery.supplierId), sk: deliverySk(delivery.deliveryId), ...delivery },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: SUPPLIERS_PK, sk: supplierSk(supplier.supplierId), ...supplier },
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': expectedVersion },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (isTransactionConditionFailed(error) || isTransactionConflict(error)) throw new SupplierWriteConflict(supplier.supplierId);
      throw error;
    }
  }

  /** The supplier's latest deliveries, newest first. */
  async recentDeliveries(supplierId: string, limit: number): Promise<DeliveryRecord[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': deliveriesPk(supplierId), ':prefix': 'DELIVERY#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map(toDelivery);
  }
}

let shared: SupplierRepository | undefined;

/** The repository over `SUPPLIERS_TABLE_NAME` (one per container). */
export function supplierRepositoryFromEnv(): SupplierRepository {
  shared ??= new SupplierRepository(requireSetting('suppliersTableName'));
  return shared;
}
