import { audit, publish, read, readWrite } from './helpers.ts';

export const catalogGrants: Record<string, string[]> = {
  ListProductsFunction: read('CatalogTable', ['byType']),
  GetProductFunction: read('CatalogTable', ['byType']),
  PutProductFunction: [...readWrite('CatalogTable', ['byType']), ...publish, ...audit],
  GetStockFunction: read('CatalogTable', ['byType']),
  PutStockFunction: [...readWrite('CatalogTable', ['byType']), ...publish, ...audit],
  SeedDemoCatalogFunction: readWrite('CatalogTable', ['byType']),
};
