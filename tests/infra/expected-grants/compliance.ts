import { consume, read, readWrite } from './helpers.ts';

export const complianceGrants: Record<string, string[]> = {
  ScanListingsFunction: [...read('CatalogTable', ['byType']), ...readWrite('ComplianceTable')],
  ReviewListingFunction: [...read('CatalogTable', ['byType']), ...readWrite('ComplianceTable'), ...consume('ReviewListingQueue')],
};
