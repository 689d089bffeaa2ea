import { audit, consume, fieldKey, idempotency, publish, read, readWrite } from './helpers.ts';

// PutEvents only under returns' own source (events:source).
const publishes = publish('commerce.returns');

const table = (access: typeof read | typeof readWrite) => access('ReturnsTable', ['byOrder', 'byCustomer', 'byPendingOutbox']);
/** The customer's comment (entity `return`). */
const comment = (encrypt: boolean) => fieldKey({ encrypt, decrypt: true, entities: ['return'] });

export const returnsGrants: Record<string, string[]> = {
  // Request and cancel: checkout's order contract (Query on the order's partition, no KMS); catalog's products (one Query per SKU).
  // Catalog's entries: a Query per SKU, and a BatchGetItem of a split SKU's stock buckets.
  CustomerReturnCommandsFunction: [
    ...table(readWrite),
    'dynamodb:Query → OrdersTable',
    'dynamodb:Query → CatalogTable',
    'dynamodb:BatchGetItem → CatalogTable',
    ...comment(true),
    ...publishes,
    ...idempotency,
  ],
  // Get one return, list an order's returns.
  ReturnQueriesFunction: [...table(read), ...comment(false)],
  DecideReturnFunction: [...table(readWrite), ...audit, ...publishes, ...idempotency],
  // Catalog's stock contract: restock transaction items (UpdateItem on stock items and restock records).
  InspectReturnFunction: [...table(readWrite), 'dynamodb:UpdateItem → CatalogTable', ...audit, ...publishes, ...idempotency],
  ApplyReturnFulfillmentUpdateFunction: [...table(readWrite), ...publishes, ...consume('ApplyReturnFulfillmentUpdateQueue')],
  ApplyReturnRefundFunction: [...table(readWrite), ...publishes, ...consume('ApplyReturnRefundQueue')],
  SweepReturnsOutboxFunction: [...table(readWrite), ...publishes],
};
