import { audit, publish, read, readWrite } from './helpers.ts';

// PutEvents only under catalog's own source (events:source).
const publishes = publish('commerce.catalog');

export const catalogGrants: Record<string, string[]> = {
  ListProductsFunction: read('CatalogTable', ['byType']),
  GetProductFunction: read('CatalogTable', ['byType']),
  PutProductFunction: [...readWrite('CatalogTable', ['byType']), ...publishes, ...audit],
  GetStockFunction: read('CatalogTable', ['byType']),
  PutStockFunction: [...readWrite('CatalogTable', ['byType']), ...publishes, ...audit],
  // ORD-4 (hot SKUs): reads the split stock (byType), moves units between buckets, and merges draining stock back (deletes buckets).
  RebalanceStockBucketsFunction: readWrite('CatalogTable', ['byType']),
  PutWarehouseFunction: [...readWrite('CatalogTable', ['byType']), ...audit],
  ListWarehousesFunction: read('CatalogTable', ['byType']),
  // Dev only: the demo data through the staff use cases (audited, announced).
  SeedDemoCatalogFunction: [...readWrite('CatalogTable', ['byType']), ...publishes, ...audit],
};
