/**
 * Compliance scan `supplier-licences` (CMP-1, SUP-1): supplier licences about to expire, reported
 * ahead of time so they are renewed before the supplier must stop — a `medium` finding from 30
 * days before the last valid day, `high` from 7 days, `high` once expired (the suppliers' daily
 * job suspends the supplier; the finding stays until the licence is renewed). Also a `low` finding
 * for an annual review past its due day. Suppliers whose relationship ended (terminated,
 * blocklisted) are not watched. Days are China time. Reads suppliers through their read-only
 * contract; subjects are `<supplierId>/<licence kind>/<licence number>` and `<supplierId>/annual-review`.
 */
import type { Severity } from '../../../shared/severity.ts';
import { chinaDay, daysBetween, ENDED_STATUSES, supplierDirectoryFromEnv, type SupplierDirectory } from '../../suppliers/supplier-contract.ts';
import type { ComplianceScan, FindingDraft } from './compliance-scan.ts';

/** Days before expiry of the first (medium) and the second (high) warning. */
export const LICENCE_WARNING_DAYS = { first: 30, final: 7 } as const;

/** The severity of a licence `daysLeft` days before its last valid day (negative: expired); none when far off. */
export function licenceSeverity(daysLeft: number): Severity | undefined {
  if (daysLeft <= LICENCE_WARNING_DAYS.final) return 'high';
  if (daysLeft <= LICENCE_WARNING_DAYS.first) return 'medium';
  return undefined;
}

/** The scan over the given directory (the suppliers table by default). */
export function supplierLicencesScan(directory: () => SupplierDirectory = supplierDirectoryFromEnv): ComplianceScan {
  return {
    id: 'supplier-licences',
    description: 'Supplier licences expiring within 30 days (high within 7, or expired) and annual reviews overdue (SUP-1)',
    async run({ now, shouldStop }) {
      const today = chinaDay(now);
      const findings: FindingDraft[] = [];
      let examined = 0;
      for await (const page of directory().pages()) {
        for (const supplier of page) {
          examined++;
          if (ENDED_STATUSES.includes(supplier.status)) continue;
          for (const licence of supplier.licences) {
            const daysLeft = daysBetween(today, licence.expiresOn);
            const severity = licenceSeverity(daysLeft);
            if (!severity) continue;
            findings.push({
              subject: `${supplier.supplierId}/${licence.kind}/${licence.number}`,
              severity,
              summary:
                daysLeft < 0
                  ? `Supplier ${supplier.supplierId}: ${licence.kind} licence expired on ${licence.expiresOn}`
                  : `Supplier ${supplier.supplierId}: ${licence.kind} licence expires in ${daysLeft} day(s), on ${licence.expiresOn}`,
              details: { supplierId: supplier.supplierId, status: supplier.status, kind: licence.kind, expiresOn: licence.expiresOn, daysLeft },
            });
          }
          if (supplier.review && supplier.review.nextDueOn < today) {
            findings.push({
              subject: `${supplier.supplierId}/annual-review`,
              severity: 'low',
              summary: `Supplier ${supplier.supplierId}: annual review overdue since ${supplier.review.nextDueOn}`,
              details: { supplierId: supplier.supplierId, nextDueOn: supplier.review.nextDueOn, daysOverdue: daysBetween(supplier.review.nextDueOn, today) },
            });
          }
        }
        if (shouldStop()) return { findings, examined, complete: false };
      }
      return { findings, examined, complete: true };
    },
  };
}
