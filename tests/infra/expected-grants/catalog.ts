import { publish, read, readWrite } from './helpers.ts';

export const catalogGrants: Record<string, string[]> = {
  ListProductsFunction: read('CatalogTable', ['byType']),
  GetProductFunction: read('CatalogTable', ['byType']),
  PutProductFunction: [...readWrite('CatalogTable', ['byType']), ...publish],
  SeedDemoCatalogFunction: readWrite('CatalogTable', ['byType']),
};
