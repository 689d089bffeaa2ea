/**
 * Use case: one product with its available stock.
 */
import { notFound } from '../../shared/errors.ts';
import type { CatalogRepository } from './catalog-repository.ts';
import { toProductView, type ProductView } from './domain/product.ts';

/** The product's public view; a 404 problem when the SKU is unknown. */
export async function getProduct(deps: { readonly catalog: CatalogRepository }, sku: string): Promise<ProductView> {
  const found = await deps.catalog.getProduct(sku);
  if (!found || found.takenDown) throw notFound(`There is no product ${sku}.`);
  return toProductView(found.product, found.stock);
}
