/**
 * `POST /orders/{orderId}/returns` (customer; AFT-1): a return or exchange of delivered units.
 * Env: `RETURNS_TABLE_NAME`, `ORDERS_TABLE_NAME` (checkout's order contract), `CATALOG_TABLE_NAME`
 * (non-returnable products, exchange prices), `FIELD_ENCRYPTION_KEY_ID` (the comment),
 * `EVENT_BUS_NAME`, `IDEMPOTENCY_TABLE_NAME`.
 */
import { type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { newId } from '../../../shared/ids.ts';
import { catalogReaderFromEnv } from '../../catalog/stock-contract.ts';
import { orderFactsReaderFromEnv, type OrderFacts } from '../../checkout/order-contract.ts';
import { requestReturn, type ReturnProduct } from '../returns.ts';
import { requestReturnRoute } from '../routes.ts';
import { returnsRuntime, returnView, type ReturnsPorts } from '../runtime.ts';
import { returnsSettings } from '../settings.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface RequestReturnPorts extends ReturnsPorts {
  readonly orders?: () => (orderId: string) => Promise<OrderFacts | undefined>;
  readonly products?: () => (skus: readonly string[]) => Promise<ReadonlyMap<string, ReturnProduct>>;
  readonly newId?: () => string;
}

/** Catalog's products as the return request needs them. */
function productsFromCatalog(): (skus: readonly string[]) => Promise<ReadonlyMap<string, ReturnProduct>> {
  const reader = catalogReaderFromEnv();
  return async (skus) => {
    const entries = await reader.entries(skus);
    return new Map(
      [...entries].map(([sku, { product }]) => [
        sku,
        {
          sku,
          category: product.category,
          price: product.price.amount,
          ...(product.attributes.returnable !== undefined ? { returnable: product.attributes.returnable } : {}),
          ...(product.attributes.fresh ? { fresh: true } : {}),
        },
      ]),
    );
  };
}

/** Builds the handler with the given ports. */
export function makeRequestReturnHandler(ports: RequestReturnPorts = {}): HttpLambdaHandler {
  const runtime = returnsRuntime(ports);
  let orders: ((orderId: string) => Promise<OrderFacts | undefined>) | undefined;
  let products: ((skus: readonly string[]) => Promise<ReadonlyMap<string, ReturnProduct>>) | undefined;
  return idempotentHttpHandler(requestReturnRoute, async ({ path, body, principal, correlationId }) => {
    const settings = returnsSettings();
    const { comment, ...rest } = body;
    const ret = await requestReturn(
      {
        ...runtime.deps(),
        orders: (orders ??= (ports.orders ?? orderFactsReaderFromEnv)()),
        products: (products ??= (ports.products ?? productsFromCatalog)()),
        encryptComment: (returnId, text, customerId) => runtime.cipher().seal(returnId, text, customerId),
        newId: ports.newId ?? (() => newId()),
        windows: settings.windows,
        nonReturnableCategories: settings.nonReturnableCategories,
      },
      { orderId: path.orderId, principal, request: { ...rest, ...(comment ? { comment } : {}) }, correlationId },
    );
    return { statusCode: 201, body: await returnView(ret, principal, runtime.cipher) };
  });
}

/** The Lambda handler. */
export const handler = makeRequestReturnHandler();
