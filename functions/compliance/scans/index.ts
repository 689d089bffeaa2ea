/**
 * The registry of scheduled compliance scans (CMP-1): one line per scan. Each entry builds its scan
 * from the environment of its own function (infra/capabilities/compliance.ts gives each scan
 * function only the read grants its scan needs; keep the two lists in step). The generic runner
 * (handlers/run-scan.ts) runs the scan its function's `COMPLIANCE_SCAN` names.
 *
 * To add a scan: write `scans/<id>.ts` (a {@link ComplianceScan}), add a line here, and add its
 * function spec (schedule and grants) to `SCAN_FUNCTIONS` in infra/capabilities/compliance.ts.
 *
 * The audit-chain verification (`audit-chain`) is also a scan of findings, but runs in its own
 * hourly function (it alone may VerifyMac): handlers/verify-audit-chain.ts.
 */
import { getConfig } from '../../../shared/config.ts';
import { listingSourceFromEnv } from '../listing-source.ts';
import { orderSourceFromEnv } from '../order-source.ts';
import { bannedTermsScan } from './banned-terms.ts';
import { plaintextPersonalDataScan } from './plaintext-personal-data.ts';
import { retentionOverdueScan } from './retention-overdue.ts';
import { unpaidOrdersScan } from './unpaid-orders.ts';
import type { ComplianceScan } from './compliance-scan.ts';

/** A registered scan: its id and how to build it in its function. */
export interface ScanRegistration {
  readonly id: string;
  readonly create: () => ComplianceScan;
}

/** Every scan the generic runner runs. */
export const SCANS: readonly ScanRegistration[] = [
  { id: 'banned-terms', create: () => bannedTermsScan({ listings: listingSourceFromEnv(), bannedTerms: getConfig().compliance.bannedAdvertisingTerms, allowedPhrases: getConfig().compliance.allowedAdvertisingPhrases }) },
  { id: 'plaintext-personal-data', create: () => plaintextPersonalDataScan({ orders: orderSourceFromEnv() }) },
  { id: 'retention-overdue', create: () => retentionOverdueScan({ orders: orderSourceFromEnv(), retentionDays: getConfig().personalDataRetentionDays }) },
  { id: 'unpaid-orders', create: () => unpaidOrdersScan({ orders: orderSourceFromEnv() }) },
];

/** The ids of every scan whose findings are stored, the audit-chain verification included. */
export const SCAN_IDS: readonly string[] = [...SCANS.map((scan) => scan.id), 'audit-chain'];
