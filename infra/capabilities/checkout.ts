/**
 * Checkout (ORD-1…ORD-7): quotes, orders and their state machine, the unpaid-order timeout, and
 * the consumer of risk, payment and fulfillment events. Owns the OrdersTable (orders, timeline
 * entries, coupons and their usage counters, promotions, customer profiles, request and
 * processed-event markers, the event outbox). Stock lives in the CatalogTable and is changed only
 * through catalog's stock contract: transaction items joined into checkout's own transactions
 * (UpdateItem on the CatalogTable: stock items and the order's reservation records). Functions
 * that release stock may also Query the CatalogTable: an order's reservation records, read again
 * when a release finds them no longer held (picked by fulfillment first). Placing an order reads
 * payments' daily limit counters (payments' limits-contract.ts, PAY-1): GetItem on the
 * PaymentsTable, nothing else. The risk-signal key outside dev is a Secrets Manager secret
 * (`commerce/<stage>/risk-signals`, created by the operator: README), readable by PlaceOrderFunction only.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { Analytics } from './analytics.ts';
import type { AnyEventDefinition } from '../../events/event-definition.ts';
import { OrderAddressCorrected } from '../../events/order-address-corrected.ts';
import { OrderCancelled } from '../../events/order-cancelled.ts';
import { OrderPlaced, PAYMENT_TOKEN_SEAL } from '../../events/order-placed.ts';
import { OrderStatusChanged } from '../../events/order-status-changed.ts';
import { PreSaleBalanceDue } from '../../events/pre-sale-balance-due.ts';
import { GroupBuyCompleted } from '../../events/group-buy-completed.ts';
import { CONSUMED_EVENTS } from '../../functions/checkout/apply-order-event.ts';
import { LEGACY_ORDER_INDEX, ORDER_INDEXES, ORDER_SUMMARY_ATTRIBUTES } from '../../functions/checkout/orders-repository.ts';
import { PROMOTION_INDEX } from '../../functions/checkout/promotions-repository.ts';
import { ORDER_ENTITY } from '../../functions/checkout/personal-data.ts';
import {
  cancelOrderRoute,
  correctShippingAddressRoute,
  createQuoteRoute,
  getGroupBuyRoute,
  getMembershipRoute,
  getOrderRoute,
  issueCouponRoute,
  listCouponsRoute,
  listMyCouponsRoute,
  putMembershipRoute,
  listOrdersRoute,
  listPromotionsRoute,
  placeOrderRoute,
  putCouponRoute,
  putPromotionRoute,
} from '../../functions/checkout/routes.ts';
import { CommerceTable } from '../constructs/commerce-table.ts';
import { EventConsumer, ScheduledJob, stableLogicalId } from '../constructs/messaging.ts';
import type { ServiceFunction } from '../constructs/service-function.ts';
import type { Platform } from '../platform.ts';

/** Tables of other capabilities this one uses through their documented contracts. */
export interface CheckoutDependencies {
  readonly catalog: CommerceTable;
  /** Payments' table: placing an order reads a customer's daily limit counter (limits-contract.ts). */
  readonly payments: CommerceTable;
  /** KPI-1: POST /quotes counts each quote (analytics' quote counter contract). */
  readonly analytics: Pick<Analytics, 'grantQuoteCounter'>;
}

/** The event types checkout publishes: its PutEvents grants name their source only. */
export const CHECKOUT_PUBLISHES: readonly AnyEventDefinition[] = [OrderPlaced, OrderStatusChanged, OrderCancelled, PreSaleBalanceDue, GroupBuyCompleted, OrderAddressCorrected];

/** See the module documentation. */
export class Checkout extends Construct {
  readonly table: CommerceTable;

  constructor(scope: Construct, id: string, platform: Platform, dependencies: CheckoutDependencies) {
    super(scope, id);
    const { catalog, payments } = dependencies;
    this.table = new CommerceTable(this, 'OrdersTable', {
      stage: platform.stage,
      indexes: [
        // An order's summary only (the order history's page; privacy reads the orders it lists): the
        // order item is rewritten at every status change and this copy with it.
        { name: ORDER_INDEXES.byCustomer, partitionKey: 'gsi1pk', sortKey: 'gsi1sk', include: ORDER_SUMMARY_ATTRIBUTES },
        // The index it replaces, for the first of the two deployments of an upgrade (StageSettings.keepLegacyOrdersIndex).
        ...(platform.stage.keepLegacyOrdersIndex ? [{ name: LEGACY_ORDER_INDEX, partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }] : []),
        { name: ORDER_INDEXES.awaitingPayment, partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
        { name: PROMOTION_INDEX, partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
      ],
      timeToLiveAttribute: 'expiresAt',
    });
    stableLogicalId(this.table.table, 'OrdersTable');
    const env = { ORDERS_TABLE_NAME: this.table.tableName, CATALOG_TABLE_NAME: catalog.tableName };
    /** Stock reservations and releases: catalog's transaction items (UpdateItem only). */
    const changeStock = (fn: ServiceFunction) => fn.allow(['dynamodb:UpdateItem'], [catalog.table.tableArn]);
    /** Releases: the order's reservation records (catalog's reader, one partition Query), after a lost race. */
    const readReservations = (fn: ServiceFunction) => fn.allow(['dynamodb:Query'], [catalog.table.tableArn]);

    const quote = platform.function(this, 'CreateQuoteFunction', { entry: 'functions/checkout/handlers/create-quote.ts', description: 'POST /quotes', environment: env });
    catalog.grant(quote, 'read');
    this.table.grant(quote, 'read');
    dependencies.analytics.grantQuoteCounter(quote);
    platform.api.addRoute(createQuoteRoute, quote);

    // The risk-signal key: from Secrets Manager on every deployed stage (`{ "hmacKey": "…" }`); only the
    // local cloud uses a built-in one (functions/checkout/risk-signal-key.ts).
    const riskSignalSecretName = `commerce/${platform.stage.name}/risk-signals`;
    const place = platform.function(this, 'PlaceOrderFunction', {
      entry: 'functions/checkout/handlers/place-order.ts',
      description: 'POST /orders',
      // PAY-1: only the configured provider's methods are accepted (payments' limits contract).
      environment: { ...env, PAYMENTS_TABLE_NAME: payments.tableName, PAYMENT_PROVIDER: platform.stage.paymentProvider, RISK_SIGNAL_HMAC_KEY_ID: riskSignalSecretName },
      timeout: Duration.seconds(20),
    });
    // PAY-1: payments' limits contract reads one item, the customer's counter of the day (GetItem only).
    place.allow(['dynamodb:GetItem'], [payments.table.tableArn]);
    place.allow(
      ['secretsmanager:GetSecretValue'],
      [Stack.of(this).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${riskSignalSecretName}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    );
    catalog.grant(place, 'read');
    changeStock(place);
    this.table.grant(place, 'readWrite');
    platform.useIdempotency(place);
    // SEC-2: the order's personal data (entity `order`) and the payment token sealed into OrderPlaced (OrderPlaced's PAYMENT_TOKEN_SEAL).
    platform.useFieldEncryption(place, { encrypt: true, decrypt: false, entities: [ORDER_ENTITY, PAYMENT_TOKEN_SEAL.entity] });
    platform.publishEvents(place, CHECKOUT_PUBLISHES);
    platform.api.addRoute(placeOrderRoute, place);

    const list = platform.function(this, 'ListOrdersFunction', {
      entry: 'functions/checkout/handlers/list-orders.ts',
      description: 'GET /orders',
      environment: { ORDERS_TABLE_NAME: this.table.tableName },
    });
    this.table.grant(list, 'read');
    platform.api.addRoute(listOrdersRoute, list);

    const get = platform.function(this, 'GetOrderFunction', {
      entry: 'functions/checkout/handlers/get-order.ts',
      description: 'GET /orders/{orderId}',
      environment: { ORDERS_TABLE_NAME: this.table.tableName },
    });
    this.table.grant(get, 'read');
    platform.useFieldEncryption(get, { encrypt: false, decrypt: true, entities: [ORDER_ENTITY] });
    platform.useAuditLog(get);
    platform.api.addRoute(getOrderRoute, get);

    // Its grant also tells it the table's name (ORDERS_TABLE_NAME): no environment of its own.
    const getGroup = platform.function(this, 'GetGroupBuyFunction', { entry: 'functions/checkout/handlers/get-group-buy.ts', description: 'GET /group-buys/{code}' });
    // One item read (GetItem on GROUP#<code>): a shopper-facing route gets nothing wider.
    this.table.grantActions(getGroup, ['dynamodb:GetItem']);
    platform.api.addRoute(getGroupBuyRoute, getGroup);

    const cancel = platform.function(this, 'CancelOrderFunction', {
      entry: 'functions/checkout/handlers/cancel-order.ts',
      description: 'POST /orders/{orderId}/cancel',
      environment: env,
      timeout: Duration.seconds(20),
    });
    this.table.grant(cancel, 'readWrite');
    changeStock(cancel);
    readReservations(cancel);
    platform.useIdempotency(cancel);
    platform.useAuditLog(cancel);
    platform.publishEvents(cancel, CHECKOUT_PUBLISHES);
    platform.api.addRoute(cancelOrderRoute, cancel);

    // ORD-6: the customer corrects the address before approval; fraud re-assesses it (OrderAddressCorrected).
    const correct = platform.function(this, 'CorrectShippingAddressFunction', {
      entry: 'functions/checkout/handlers/correct-shipping-address.ts',
      description: 'PUT /orders/{orderId}/shipping-address (ORD-6)',
      environment: { ...env, RISK_SIGNAL_HMAC_KEY_ID: riskSignalSecretName },
    });
    correct.allow(
      ['secretsmanager:GetSecretValue'],
      [Stack.of(this).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${riskSignalSecretName}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    );
    this.table.grant(correct, 'readWrite');
    platform.useIdempotency(correct);
    // Encrypts the new address and decrypts it for the answer (entity `order` only).
    platform.useFieldEncryption(correct, { encrypt: true, decrypt: true, entities: [ORDER_ENTITY] });
    platform.publishEvents(correct, CHECKOUT_PUBLISHES);
    platform.api.addRoute(correctShippingAddressRoute, correct);

    // Back office (ORD-3): marketers run promotions and coupons; every change audited.
    const ordersOnly = { ORDERS_TABLE_NAME: this.table.tableName };
    const putPromotion = platform.function(this, 'PutPromotionFunction', {
      entry: 'functions/checkout/handlers/put-promotion.ts',
      description: 'PUT /admin/promotions/{promotionId}',
      environment: env,
    });
    this.table.grant(putPromotion, 'readWrite');
    catalog.grant(putPromotion, 'read');
    platform.useAuditLog(putPromotion);
    platform.api.addRoute(putPromotionRoute, putPromotion);
    const listPromotions = platform.function(this, 'ListPromotionsFunction', {
      entry: 'functions/checkout/handlers/list-promotions.ts',
      description: 'GET /admin/promotions',
      environment: ordersOnly,
    });
    this.table.grant(listPromotions, 'read');
    platform.api.addRoute(listPromotionsRoute, listPromotions);
    const putCoupon = platform.function(this, 'PutCouponFunction', {
      entry: 'functions/checkout/handlers/put-coupon.ts',
      description: 'PUT /admin/coupons/{code}',
      environment: ordersOnly,
    });
    this.table.grant(putCoupon, 'readWrite');
    platform.useAuditLog(putCoupon);
    platform.api.addRoute(putCouponRoute, putCoupon);
    const listCoupons = platform.function(this, 'ListCouponsFunction', {
      entry: 'functions/checkout/handlers/list-coupons.ts',
      description: 'GET /admin/coupons',
      environment: ordersOnly,
    });
    this.table.grant(listCoupons, 'read');
    platform.api.addRoute(listCouponsRoute, listCoupons);
    const issueCoupon = platform.function(this, 'IssueCouponFunction', {
      entry: 'functions/checkout/handlers/issue-coupon.ts',
      description: 'POST /admin/coupons/{code}/issues',
      environment: ordersOnly,
    });
    this.table.grant(issueCoupon, 'readWrite');
    platform.useAuditLog(issueCoupon);
    platform.api.addRoute(issueCouponRoute, issueCoupon);
    const myCoupons = platform.function(this, 'ListMyCouponsFunction', {
      entry: 'functions/checkout/handlers/list-my-coupons.ts',
      description: 'GET /me/coupons',
      environment: ordersOnly,
    });
    this.table.grant(myCoupons, 'read');
    platform.api.addRoute(listMyCouponsRoute, myCoupons);
    // Memberships (member prices): marketers set tiers, audited.
    const putMembership = platform.function(this, 'PutMembershipFunction', {
      entry: 'functions/checkout/handlers/put-membership.ts',
      description: 'PUT /admin/members/{customerId}',
      environment: ordersOnly,
    });
    this.table.grant(putMembership, 'readWrite');
    platform.useAuditLog(putMembership);
    platform.api.addRoute(putMembershipRoute, putMembership);
    const getMembership = platform.function(this, 'GetMembershipFunction', {
      entry: 'functions/checkout/handlers/get-membership.ts',
      description: 'GET /admin/members/{customerId}',
    });
    this.table.grantActions(getMembership, ['dynamodb:GetItem']);
    platform.api.addRoute(getMembershipRoute, getMembership);

    const apply = platform.function(this, 'ApplyOrderEventsFunction', {
      entry: 'functions/checkout/handlers/apply-order-events.ts',
      description: 'Risk, payment and fulfillment events → order status and read model',
      environment: env,
      timeout: Duration.seconds(30),
    });
    this.table.grant(apply, 'readWrite');
    changeStock(apply);
    readReservations(apply);
    platform.publishEvents(apply, CHECKOUT_PUBLISHES);
    new EventConsumer(this, 'ApplyOrderEvents', {
      bus: platform.bus,
      events: CONSUMED_EVENTS,
      handler: apply,
      deliveryDlq: platform.eventDeliveryFailures,
      removalPolicy: platform.stage.removalPolicy,
    });

    const expire = platform.function(this, 'ExpireUnpaidOrdersFunction', {
      entry: 'functions/checkout/handlers/expire-unpaid-orders.ts',
      description: 'Every minute: cancel orders unpaid past their window, release their stock; republish the event outbox (ORD-4)',
      environment: env,
      timeout: Duration.seconds(60),
    });
    this.table.grant(expire, 'readWrite');
    changeStock(expire);
    readReservations(expire);
    platform.publishEvents(expire, CHECKOUT_PUBLISHES);
    // No field key: a republished OrderPlaced carries its payment token sealed, as the outbox holds it.
    new ScheduledJob(this, 'ExpireUnpaidOrders', {
      schedule: 'rate(1 minute)',
      handler: expire,
      deliveryDlq: platform.eventDeliveryFailures,
      description: 'Unpaid-order timeout sweep and outbox drain, every minute',
    });

    if (platform.stage.name === 'dev') {
      // Through the marketer's own use cases: validated (a flash price against catalog's list price) and audited.
      const seed = platform.function(this, 'SeedDemoCheckoutFunction', {
        entry: 'functions/checkout/handlers/seed-demo-checkout.ts',
        description: 'Seeds demo promotions, coupons and a member through the staff use cases (dev stage only)',
        environment: env,
        timeout: Duration.minutes(1),
      });
      this.table.grant(seed, 'readWrite');
      catalog.grant(seed, 'read');
      platform.useAuditLog(seed);
    }
  }
}
