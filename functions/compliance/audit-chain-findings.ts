/**
 * The audit-chain findings (CMP-1) and verification state on the ComplianceTable:
 * - the finding: `pk = FINDING#audit-chain`, `sk = CHAIN`, `severity = high`, `status`
 *   (`open` | `resolved`), `detectedAt`, `updatedAt`, `resolvedAt`, and the breaks found;
 * - the last verification: `pk = VERIFICATION#audit-chain`, `sk = LATEST`.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AUDIT_VERIFICATION_KEY } from '../../shared/audit.ts';
import { requireSetting } from '../../shared/config.ts';
import { documentClient, isConditionalCheckFailed } from '../../shared/dynamodb.ts';
import type { AuditChainBreak, AuditChainFindings, AuditChainVerification } from './verify-audit-chain.ts';

export const AUDIT_CHAIN_FINDINGS_PK = 'FINDING#audit-chain';
export const AUDIT_CHAIN_VERIFICATION_PK = AUDIT_VERIFICATION_KEY.pk;

/** A stored chain-break finding. */
export interface AuditChainFinding {
  readonly severity: 'high';
  readonly status: 'open' | 'resolved';
  readonly detectedAt: string;
  readonly updatedAt: string;
  readonly resolvedAt?: string;
  readonly breaks: readonly AuditChainBreak[];
}

/** The DynamoDB adapter of {@link AuditChainFindings}, plus reads for the admin audit API. */
export class DynamoDbAuditChainFindings implements AuditChainFindings {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async recordAuditChainBreak(verification: AuditChainVerification): Promise<void> {
    const existing = await this.finding();
    const reopening = !existing || existing.status === 'resolved';
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: AUDIT_CHAIN_FINDINGS_PK,
          sk: 'CHAIN',
          kind: 'audit-chain-break',
          severity: 'high',
          status: 'open',
          detectedAt: reopening ? verification.verifiedAt : existing.detectedAt,
          updatedAt: verification.verifiedAt,
          breaks: verification.breaks,
        },
      }),
    );
  }

  async resolveAuditChainBreak(at: Date): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: AUDIT_CHAIN_FINDINGS_PK, sk: 'CHAIN' },
          UpdateExpression: 'SET #status = :resolved, resolvedAt = :at, updatedAt = :at',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':resolved': 'resolved', ':open': 'open', ':at': at.toISOString() },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async saveAuditChainVerification(verification: AuditChainVerification): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...AUDIT_VERIFICATION_KEY, ...verification } }));
  }

  /** The chain-break finding, if one was ever opened. */
  async finding(): Promise<AuditChainFinding | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: AUDIT_CHAIN_FINDINGS_PK, sk: 'CHAIN' }, ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, kind: _kind, ...finding } = Item;
    return finding as AuditChainFinding;
  }

  /** The last verification, if any ran. */
  async lastVerification(): Promise<AuditChainVerification | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { ...AUDIT_VERIFICATION_KEY }, ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...verification } = Item;
    return verification as AuditChainVerification;
  }
}

/** The container's adapter on `COMPLIANCE_TABLE_NAME`. */
export function auditChainFindingsFromEnv(): DynamoDbAuditChainFindings {
  return new DynamoDbAuditChainFindings(requireSetting('complianceTableName'));
}
