/**
 * The audit-chain findings (CMP-1 scan `audit-chain`) and verification state on the ComplianceTable:
 * - the finding is an ordinary finding of the findings store (findings-repository.ts), scan
 *   `audit-chain`, subject `CHAIN`, severity `high`; its details name the breaks
 *   (`breaks = "3:hash-mismatch;5:gap"`, the first 20) and their count;
 * - the last verification: `pk = VERIFICATION#audit-chain`, `sk = LATEST`.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AUDIT_VERIFICATION_KEY } from '../../shared/audit.ts';
import { requireSetting } from '../../shared/config.ts';
import { documentClient } from '../../shared/dynamodb.ts';
import { DynamoDbFindingsRepository, findingIdOf, type Finding } from './findings-repository.ts';
import type { FindingDraft } from './scans/compliance-scan.ts';
import type { AuditChainBreak, AuditChainFindings, AuditChainVerification } from './verify-audit-chain.ts';

/** The scan id of chain breaks, and the one subject (the chain). */
export const AUDIT_CHAIN_SCAN = 'audit-chain';
export const AUDIT_CHAIN_SUBJECT = 'CHAIN';
export const AUDIT_CHAIN_VERIFICATION_PK = AUDIT_VERIFICATION_KEY.pk;

/** The finding draft of a broken chain (no personal data: sequence numbers and problem codes). */
export function auditChainDraft(verification: AuditChainVerification): FindingDraft {
  return {
    subject: AUDIT_CHAIN_SUBJECT,
    severity: 'high',
    summary: `The audit chain failed verification: ${verification.breaks.length} break(s) in ${verification.entries} entries`,
    details: {
      breakCount: verification.breaks.length,
      breaks: verification.breaks
        .slice(0, 20)
        .map((b) => `${b.seq}:${b.problem}`)
        .join(';'),
      entries: verification.entries,
    },
  };
}

/** A stored chain-break finding, with its breaks. */
export type AuditChainFinding = Finding & { readonly breaks: readonly AuditChainBreak[] };

/** The DynamoDB adapter of {@link AuditChainFindings}, plus reads for the admin audit API. */
export class DynamoDbAuditChainFindings implements AuditChainFindings {
  private readonly findings: DynamoDbFindingsRepository;

  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {
    this.findings = new DynamoDbFindingsRepository(tableName, client);
  }

  async recordAuditChainBreak(verification: AuditChainVerification): Promise<void> {
    await this.findings.record(AUDIT_CHAIN_SCAN, auditChainDraft(verification), new Date(verification.verifiedAt));
  }

  async resolveAuditChainBreak(at: Date): Promise<void> {
    await this.findings.transition(findingIdOf(AUDIT_CHAIN_SCAN, AUDIT_CHAIN_SUBJECT), ['open', 'confirmed'], 'resolved', {
      outcome: 'fixed',
      by: `system:${AUDIT_CHAIN_SCAN}`,
      at: at.toISOString(),
    });
  }

  async saveAuditChainVerification(verification: AuditChainVerification): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...AUDIT_VERIFICATION_KEY, ...verification } }));
  }

  /** The chain-break finding, if one was ever opened. */
  async finding(): Promise<AuditChainFinding | undefined> {
    const finding = await this.findings.get(findingIdOf(AUDIT_CHAIN_SCAN, AUDIT_CHAIN_SUBJECT));
    if (!finding) return undefined;
    const breaks = String(finding.details?.breaks ?? '')
      .split(';')
      .filter((b) => b !== '')
      .map((b) => ({ seq: Number(b.slice(0, b.indexOf(':'))), problem: b.slice(b.indexOf(':') + 1) as AuditChainBreak['problem'] }));
    return { ...finding, breaks };
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
