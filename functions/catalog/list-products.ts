/**
 * Use case: browse the catalog (ORD-1), a page at a time, optionally one category.
 */
import type { Page } from '../../shared/http/pagination.ts';
import type { CatalogRepository } from './catalog-repository.ts';
import { toProductView, type ProductView } from './domain/product.ts';

/** Query of {@link listProducts}: validated by the route (limit within the configured bounds). */
export interface ListProductsQuery {
  readonly limit: number;
  readonly cursor?: string;
  readonly category?: string;
}

/** Lists products ordered by SKU with their available stock. */
export async function listProducts(deps: { readonly catalog: CatalogRepository }, query: ListProductsQuery): Promise<Page<ProductView>> {
  const page = await deps.catalog.listProducts(query);
  return {
    items: page.items.map(({ product, stock }) => toProductView(product, stock)),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}
