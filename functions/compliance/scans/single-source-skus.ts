/**
 * Compliance scan `single-source-skus` (SUP-1): a core SKU (one any supplier lists as core) with
 * fewer than two `active` suppliers — `medium` with one, `high` with none (suppliers under review,
 * suspended or ended do not count as a source). Reads suppliers through their read-only contract;
 * the subject is the SKU. A partial read reports nothing (a SKU's suppliers may be on a page not read).
 */
import { supplierDirectoryFromEnv, type SupplierDirectory } from '../../suppliers/supplier-contract.ts';
import type { ComplianceScan, FindingDraft } from './compliance-scan.ts';

/** The fewest active suppliers a core SKU should have. */
export const MIN_ACTIVE_SOURCES = 2;

/** The scan over the given directory (the suppliers table by default). */
export function singleSourceSkusScan(directory: () => SupplierDirectory = supplierDirectoryFromEnv): ComplianceScan {
  return {
    id: 'single-source-skus',
    description: 'Core SKUs with fewer than two active suppliers (SUP-1)',
    async run({ shouldStop }) {
      const core = new Set<string>();
      const activeSources = new Map<string, string[]>();
      let examined = 0;
      for await (const page of directory().pages()) {
        for (const supplier of page) {
          examined++;
          for (const { sku, core: isCore } of supplier.skus) {
            if (isCore) core.add(sku);
            if (supplier.status === 'active') activeSources.set(sku, [...(activeSources.get(sku) ?? []), supplier.supplierId]);
          }
        }
        if (shouldStop()) return { findings: [], examined, complete: false };
      }
      const findings: FindingDraft[] = [...core]
        .sort()
        .map((sku) => ({ sku, sources: activeSources.get(sku) ?? [] }))
        .filter(({ sources }) => sources.length < MIN_ACTIVE_SOURCES)
        .map(({ sku, sources }) => ({
          subject: sku,
          severity: sources.length === 0 ? 'high' : 'medium',
          summary: sources.length === 0 ? `Core SKU ${sku} has no active supplier` : `Core SKU ${sku} has a single active supplier (${sources[0]})`,
          details: { activeSuppliers: sources.length, ...(sources[0] ? { supplierId: sources[0] } : {}) },
        }));
      return { findings, examined, complete: true };
    },
  };
}
