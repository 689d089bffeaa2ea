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
import { getConfig, requireSetting } from '../../../shared/config.ts';
import { ledgerSourceFromEnv } from '../ledger-source.ts';
import { listingSourceFromEnv } from '../listing-source.ts';
import { orderSourceFromEnv } from '../order-source.ts';
import { stockSourceFromEnv } from '../stock-source.ts';
import { DynamoDbItemSource } from '../table-source.ts';
import { ticketSourceFromEnv } from '../ticket-source.ts';
import { bannedTermsScan } from './banned-terms.ts';
import { ledgerImbalanceScan } from './ledger-imbalance.ts';
import { plaintextPersonalDataScan } from './plaintext-personal-data.ts';
import { reservationDriftScan } from './reservation-drift.ts';
import { retentionOverdueScan } from './retention-overdue.ts';
import { singleSourceSkusScan } from './single-source-skus.ts';
import { supplierLicencesScan } from './supplier-licences.ts';
import { ticketSlaBreachesScan } from './ticket-sla-breaches.ts';
import { unpaidOrdersScan } from './unpaid-orders.ts';
import type { ComplianceScan } from './compliance-scan.ts';

/** A registered scan: its id and how to build it in its function. */
export interface ScanRegistration {
  readonly id: string;
  /** One line (shown in the yearly report). */
  readonly description: string;
  readonly create: () => ComplianceScan;
}

/** Every scan the generic runner runs. */
export const SCANS: readonly ScanRegistration[] = [
  {
    id: 'banned-terms',
    description: 'Product listings with banned advertising terms',
    create: () =>
      bannedTermsScan({
        listings: listingSourceFromEnv(),
        bannedTerms: getConfig().compliance.bannedAdvertisingTerms,
        allowedPhrases: getConfig().compliance.allowedAdvertisingPhrases,
      }),
  },
  {
    id: 'plaintext-personal-data',
    description: 'Personal data stored unencrypted (orders, tickets, returns, stored idempotent responses)',
    create: () =>
      plaintextPersonalDataScan({
        orders: orderSourceFromEnv(),
        tables: {
          tickets: new DynamoDbItemSource(requireSetting('ticketsTableName')),
          returns: new DynamoDbItemSource(requireSetting('returnsTableName')),
          idempotency: new DynamoDbItemSource(requireSetting('idempotencyTableName')),
        },
      }),
  },
  {
    id: 'retention-overdue',
    description: 'Orders past the retention period still holding personal data',
    create: () => retentionOverdueScan({ orders: orderSourceFromEnv(), retentionDays: getConfig().retention.personalDataRetentionDays }),
  },
  { id: 'unpaid-orders', description: 'Orders unpaid past their payment window', create: () => unpaidOrdersScan({ orders: orderSourceFromEnv() }) },
  { id: 'supplier-licences', description: 'Supplier licences expiring (30 and 7 days ahead) or expired, annual reviews overdue', create: () => supplierLicencesScan() },
  { id: 'single-source-skus', description: 'Core SKUs with fewer than two active suppliers', create: () => singleSourceSkusScan() },
  {
    id: 'ledger-imbalance',
    description: 'Unbalanced ledger movements and days whose reconciliation shows mismatches',
    create: () => ledgerImbalanceScan({ ledger: ledgerSourceFromEnv() }),
  },
  {
    id: 'reservation-drift',
    description: 'Reserved stock counters that differ from the live reservation records',
    create: () => reservationDriftScan({ stock: stockSourceFromEnv() }),
  },
  { id: 'ticket-sla-breaches', description: 'Tickets past an SLA due time and not escalated', create: () => ticketSlaBreachesScan({ tickets: ticketSourceFromEnv() }) },
];

/** Every scan whose findings are stored, the audit-chain verification included (the yearly report lists them). */
export const ALL_SCANS: ReadonlyArray<{ readonly id: string; readonly description: string }> = [
  ...SCANS.map(({ id, description }) => ({ id, description })),
  { id: 'audit-chain', description: 'Audit-chain breaks (hourly verification)' },
];
