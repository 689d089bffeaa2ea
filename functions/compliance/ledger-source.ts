/**
 * Where compliance reads the payments ledger from (CMP-1, read-only): payments' PaymentsTable, page
 * by page with a filtered Scan — ledger movements (`itemType = ledger`: ids, kind, amount and
 * postings) and the stored daily reconciliation reports (`itemType = reconciliation`: the status
 * and mismatches of the day's latest run). Ids and amounts only: no personal data is read.
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient } from '../../shared/dynamodb.ts';

/** One posting of a movement as stored (unvalidated: the scan checks it). */
export interface PostingView {
  readonly account: unknown;
  readonly side: unknown;
  readonly amount: unknown;
}

/** A ledger movement as stored. */
export interface MovementView {
  readonly kind: 'movement';
  readonly orderId: string;
  readonly movementId: string;
  readonly movementKind: string;
  readonly amount: unknown;
  readonly postings: readonly PostingView[];
}

/** A day's stored reconciliation report. */
export interface ReconciliationView {
  readonly kind: 'reconciliation';
  readonly date: string;
  readonly status: string;
  readonly mismatchCount: number;
  /** The kinds of the stored mismatches. */
  readonly mismatchKinds: readonly string[];
}

/** A page of ledger records. */
export interface LedgerPage {
  readonly items: ReadonlyArray<MovementView | ReconciliationView>;
  readonly nextPage?: Record<string, unknown>;
}

/** What the ledger scan needs. */
export interface LedgerSource {
  listLedger(page?: Record<string, unknown>, pageSize?: number): Promise<LedgerPage>;
}

/** A stored item → its view (`undefined` for other items). */
export function toLedgerView(item: Record<string, unknown>): MovementView | ReconciliationView | undefined {
  if (item.itemType === 'ledger' && typeof item.orderId === 'string' && typeof item.movementId === 'string') {
    return {
      kind: 'movement',
      orderId: item.orderId,
      movementId: item.movementId,
      movementKind: String(item.kind),
      amount: item.amount,
      postings: Array.isArray(item.postings) ? (item.postings as PostingView[]) : [],
    };
  }
  if (item.itemType === 'reconciliation' && typeof item.date === 'string') {
    const mismatches = Array.isArray(item.mismatches) ? (item.mismatches as Array<{ kind?: unknown }>) : [];
    return {
      kind: 'reconciliation',
      date: item.date,
      status: String(item.status),
      mismatchCount: typeof item.mismatchCount === 'number' ? item.mismatchCount : mismatches.length,
      mismatchKinds: [...new Set(mismatches.map((m) => String(m.kind)))].sort(),
    };
  }
  return undefined;
}

/** Reads the ledger and the reconciliation reports from the payments table. */
export class DynamoDbLedgerSource implements LedgerSource {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async listLedger(page?: Record<string, unknown>, pageSize = 500): Promise<LedgerPage> {
    const response = await this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        FilterExpression: 'itemType IN (:ledger, :reconciliation)',
        ExpressionAttributeValues: { ':ledger': 'ledger', ':reconciliation': 'reconciliation' },
        Limit: pageSize,
        ...(page ? { ExclusiveStartKey: page } : {}),
      }),
    );
    return {
      items: (response.Items ?? []).map(toLedgerView).filter((view): view is MovementView | ReconciliationView => view !== undefined),
      ...(response.LastEvaluatedKey ? { nextPage: response.LastEvaluatedKey } : {}),
    };
  }
}

/** The ledger source of this container, on `PAYMENTS_TABLE_NAME`. */
export function ledgerSourceFromEnv(): LedgerSource {
  return new DynamoDbLedgerSource(requireSetting('paymentsTableName'));
}
