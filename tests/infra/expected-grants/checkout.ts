import { audit, consume, fieldKey, idempotency, publish, read, readWrite, secret } from './helpers.ts';

// PutEvents only under checkout's own source (events:source); field keys only for the data keys of the entity kinds each
// function handles: orders' personal data (`order`) and the payment token sealed into OrderPlaced (`payment-token`).
const publishes = publish('commerce.checkout');

const orders = ['byCustomerSummary', 'awaitingPayment', 'byEnd'];
/** Stock changes go through catalog's transaction items: UpdateItem on the CatalogTable only. */
const changeStock = ['dynamodb:UpdateItem → CatalogTable'];
/** Releases re-read the order's reservation records (a partition Query) after a lost race. */
const readReservations = ['dynamodb:Query → CatalogTable'];

export const checkoutGrants: Record<string, string[]> = {
  // KPI-1: analytics' quote counter contract, one ADD on the day aggregates' partitions only.
  CreateQuoteFunction: [
    ...read('CatalogTable', ['byType']),
    ...read('OrdersTable', orders),
    'dynamodb:UpdateItem → AnalyticsTable if ForAllValues:StringLike dynamodb:LeadingKeys=DAY#*',
  ],
  // PAY-1: payments' limits contract reads the customer's daily counter (GetItem only). Prod also
  // reads the risk-signal secret (see commerce-stack.test.ts); these are dev's grants.
  PlaceOrderFunction: [
    ...read('CatalogTable', ['byType']),
    ...changeStock,
    ...readWrite('OrdersTable', orders),
    'dynamodb:GetItem → PaymentsTable',
    ...idempotency,
    ...fieldKey({ encrypt: true, entities: ['order', 'payment-token'] }),
    ...publishes,
    secret('commerce/dev/risk-signals'),
  ],
  ListOrdersFunction: read('OrdersTable', orders),
  // Back office (ORD-3): promotions and coupons; a flash price is checked against the catalog's list price.
  PutPromotionFunction: [...readWrite('OrdersTable', orders), ...read('CatalogTable', ['byType']), ...audit],
  ListPromotionsFunction: read('OrdersTable', orders),
  PutCouponFunction: [...readWrite('OrdersTable', orders), ...audit],
  ListCouponsFunction: read('OrdersTable', orders),
  IssueCouponFunction: [...readWrite('OrdersTable', orders), ...audit],
  ListMyCouponsFunction: read('OrdersTable', orders),
  PutMembershipFunction: [...readWrite('OrdersTable', orders), ...audit],
  GetMembershipFunction: ['dynamodb:GetItem → OrdersTable'],
  GetOrderFunction: [...read('OrdersTable', orders), ...fieldKey({ decrypt: true, entities: ['order'] }), ...audit],
  // ORD-5: the shared group-buy link reads one item.
  GetGroupBuyFunction: ['dynamodb:GetItem → OrdersTable'],
  CancelOrderFunction: [...readWrite('OrdersTable', orders), ...changeStock, ...readReservations, ...idempotency, ...audit, ...publishes],
  // ORD-6: the address corrected before approval (encrypted; decrypted for the answer), OrderAddressCorrected.
  CorrectShippingAddressFunction: [
    ...readWrite('OrdersTable', orders),
    ...idempotency,
    ...fieldKey({ encrypt: true, decrypt: true, entities: ['order'] }),
    ...publishes,
    secret('commerce/dev/risk-signals'),
  ],
  ApplyOrderEventsFunction: [...readWrite('OrdersTable', orders), ...changeStock, ...readReservations, ...publishes, ...consume('ApplyOrderEventsQueue')],
  ExpireUnpaidOrdersFunction: [...readWrite('OrdersTable', orders), ...changeStock, ...readReservations, ...publishes],
  // Dev only: the demo data through the marketer's use cases (flash prices checked against the catalog; audited).
  SeedDemoCheckoutFunction: [...readWrite('OrdersTable', orders), ...read('CatalogTable', ['byType']), ...audit],
};
