/**
 * CMP-1, SUP-1: the supplier scans over an in-memory supplier directory — the 30- and 7-day
 * boundaries of `supplier-licences` (China days), and `single-source-skus` counting only active
 * suppliers across pages.
 */
import { describe, expect, it } from 'vitest';
import { singleSourceSkusScan } from '../../../functions/compliance/scans/single-source-skus.ts';
import { licenceSeverity, supplierLicencesScan } from '../../../functions/compliance/scans/supplier-licences.ts';
import type { SupplierDirectory, SupplierSnapshot } from '../../../functions/suppliers/supplier-contract.ts';

const directory =
  (...pages: SupplierSnapshot[][]): (() => SupplierDirectory) =>
  () => ({
    async *pages() {
      for (const page of pages) yield page;
    },
  });
const supplier = (supplierId: string, extra: Partial<SupplierSnapshot> = {}): SupplierSnapshot => ({ supplierId, status: 'active', licences: [], skus: [], ...extra });
const licence = (expiresOn: string, number = 'N-1') => ({ kind: 'business-licence' as const, number, issuer: 'SAMR', expiresOn });
// 2026-11-26 in China (10:00 UTC).
const context = { now: new Date('2026-11-26T10:00:00.000Z'), shouldStop: () => false };

describe('CMP-1 supplier-licences', () => {
  it('CMP-1: nothing at 31 days, medium at 30 and 8, high at 7, 0 and once expired', () => {
    expect([31, 30, 8, 7, 0, -1, -400].map(licenceSeverity)).toEqual([undefined, 'medium', 'medium', 'high', 'high', 'high', 'high']);
  });

  it('CMP-1: the days are China days — at 16:00 UTC the count drops by one', async () => {
    const scan = supplierLicencesScan(directory([supplier('S1', { licences: [licence('2026-12-26')] })]));
    expect((await scan.run({ ...context, now: new Date('2026-11-25T15:59:59.000Z') })).findings).toEqual([]); // 31 days in China
    expect((await scan.run({ ...context, now: new Date('2026-11-25T16:00:00.000Z') })).findings).toEqual([
      expect.objectContaining({ subject: 'S1/business-licence/N-1', severity: 'medium', details: expect.objectContaining({ daysLeft: 30 }) }),
    ]);
  });

  it('CMP-1: terminated and blocklisted suppliers are not watched; suspended ones are; clean data → no findings', async () => {
    const expired = [licence('2026-11-01')];
    const scan = supplierLicencesScan(
      directory(
        [supplier('T', { status: 'terminated', licences: expired }), supplier('B', { status: 'blocklisted', licences: expired })],
        [supplier('S', { status: 'suspended', licences: expired })],
      ),
    );
    const result = await scan.run(context);
    expect(result).toMatchObject({ examined: 3, complete: true });
    expect(result.findings.map((f) => [f.subject, f.severity])).toEqual([['S/business-licence/N-1', 'high']]);
    expect((await supplierLicencesScan(directory([supplier('C', { licences: [licence('2027-01-01')], review: { nextDueOn: '2026-11-26' } })])).run(context)).findings).toEqual([]);
  });
});

describe('SUP-1 single-source-skus', () => {
  it('SUP-1: sources are counted across pages; only active suppliers count; non-core SKUs are ignored', async () => {
    const scan = singleSourceSkusScan(
      directory(
        [
          supplier('A', {
            skus: [
              { sku: 'CORE-1', core: true },
              { sku: 'CORE-2', core: true },
              { sku: 'PLAIN', core: false },
            ],
          }),
          supplier('R', { status: 'under-review', skus: [{ sku: 'CORE-2', core: false }] }),
        ],
        [supplier('B', { skus: [{ sku: 'CORE-1', core: false }] }), supplier('X', { status: 'suspended', skus: [{ sku: 'CORE-3', core: true }] })],
      ),
    );
    const result = await scan.run(context);
    expect(result).toMatchObject({ examined: 4, complete: true });
    expect(result.findings).toEqual([
      { subject: 'CORE-2', severity: 'medium', summary: 'Core SKU CORE-2 has a single active supplier (A)', details: { activeSuppliers: 1, supplierId: 'A' } },
      { subject: 'CORE-3', severity: 'high', summary: 'Core SKU CORE-3 has no active supplier', details: { activeSuppliers: 0 } },
    ]);
  });

  it('SUP-1: clean data → no findings', async () => {
    const both = [{ sku: 'CORE-1', core: true }];
    expect((await singleSourceSkusScan(directory([supplier('A', { skus: both }), supplier('B', { skus: both })])).run(context)).findings).toEqual([]);
  });
});
