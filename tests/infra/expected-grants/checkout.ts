import { audit, consume, fieldKey, idempotency, publish, read, readWrite } from './helpers.ts';

const orders = ['byCustomer', 'awaitingPayment'];
/** Stock changes go through catalog's transaction items: UpdateItem on the CatalogTable only. */
const changeStock = ['dynamodb:UpdateItem → CatalogTable'];
/** Releases re-read the order's reservation records (a partition Query) after a lost race. */
const readReservations = ['dynamodb:Query → CatalogTable'];

export const checkoutGrants: Record<string, string[]> = {
  CreateQuoteFunction: [...read('CatalogTable', ['byType']), ...read('OrdersTable', orders)],
  // PAY-1: payments' limits contract reads the customer's daily counter (GetItem only). Prod also
  // reads the risk-signal secret (see commerce-stack.test.ts); these are dev's grants.
  PlaceOrderFunction: [...read('CatalogTable', ['byType']), ...changeStock, ...readWrite('OrdersTable', orders), 'dynamodb:GetItem → PaymentsTable', ...idempotency, ...fieldKey({ encrypt: true }), ...publish],
  ListOrdersFunction: read('OrdersTable', orders),
  GetOrderFunction: [...read('OrdersTable', orders), ...fieldKey({ decrypt: true }), ...audit],
  CancelOrderFunction: [...readWrite('OrdersTable', orders), ...changeStock, ...readReservations, ...idempotency, ...audit, ...publish],
  ApplyOrderEventsFunction: [...readWrite('OrdersTable', orders), ...changeStock, ...readReservations, ...publish, ...consume('ApplyOrderEventsQueue')],
  ExpireUnpaidOrdersFunction: [...readWrite('OrdersTable', orders), ...changeStock, ...readReservations, ...publish, ...fieldKey({ decrypt: true })],
  SeedDemoCheckoutFunction: readWrite('OrdersTable', orders),
};
