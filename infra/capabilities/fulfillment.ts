/**
 * Fulfillment (FUL-1…FUL-5): the FulfillmentTable (shipments, carrier tracking state, markers and
 * outbox, sales history, safety-stock flags, the degraded-mode switch); the allocation consumer
 * (OrderStatusChanged → picks via catalog's stock contract → OrderAllocated); the carrier webhook;
 * the stock-level consumer (OrderPlaced, StockAdjusted → ReplenishmentSuggested); the late-delivery
 * sweep (every 15 minutes) and the replenishment sweep (daily); the cancellation consumer
 * (OrderCancelled → shipments not yet picked up cancelled, their picked stock returned through the
 * stock contract); returns (AFT-1: ReturnPickupRequested → a doorstep pickup booked with the carrier;
 * ExchangeShipmentRequested → the replacement picked and shipped); the degraded-mode switch and a staff
 * shipments view. Dev stage only: the sandbox carrier's tracking feed (a delay queue of reports it
 * signs and delivers to the webhook use case, and an ops route to schedule them).
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { ComparisonOperator, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { CustomerNotificationRequested } from '../../events/customer-notification-requested.ts';
import type { AnyEventDefinition } from '../../events/event-definition.ts';
import { DeliveryLate, OrderAllocated, OrderDelivered, OrderShipped, ReplenishmentSuggested, ShipmentStatusChanged } from '../../events/fulfillment-events.ts';
import { OrderCancelled } from '../../events/order-cancelled.ts';
import { OrderPlaced } from '../../events/order-placed.ts';
import { OrderStatusChanged } from '../../events/order-status-changed.ts';
import { ProblemOrderRaised } from '../../events/problem-order-raised.ts';
import { StockAdjusted } from '../../events/stock-adjusted.ts';
import { ExchangeShipmentRequested, ReturnFulfillmentUpdated, ReturnPickupRequested } from '../../events/return-events.ts';
import { ORDER_ENTITY } from '../../functions/checkout/personal-data.ts';
import {
  getDegradedModeRoute,
  getReplenishmentRoute,
  getShippingSettingsRoute,
  putShippingSettingsRoute,
  listShipmentsRoute,
  postSandboxCarrierEventRoute,
  putDegradedModeRoute,
  receiveCarrierWebhookRoute,
  receiveKuaidi100CallbackRoute,
} from '../../functions/fulfillment/routes.ts';
import { CommerceTable } from '../constructs/commerce-table.ts';
import { EncryptedQueue, EventConsumer, OFF_PATH_BATCHING_WINDOW, ScheduledJob, stableLogicalId } from '../constructs/messaging.ts';
import { acknowledge } from '../constructs/nag.ts';
import type { ServiceFunction } from '../constructs/service-function.ts';
import type { Platform } from '../platform.ts';

/** Tables of other capabilities this one uses through their documented contracts. */
export interface FulfillmentDependencies {
  readonly catalog: CommerceTable;
  /** Checkout's orders table: a real carrier's booking reads the recipient through checkout's recipient contract. */
  readonly orders: CommerceTable;
}

/**
 * The event types fulfillment publishes: its PutEvents grants name their sources only. Besides its
 * own (`commerce.fulfillment`), the shared problem-order and customer-notification types, whose
 * sources (`commerce.operations`, `commerce.notifications`) payments publishes under too.
 */
/** Late deliveries within an hour above which the late-delivery spike alarm fires. */
const LATE_DELIVERY_SPIKE = 20;

export const FULFILLMENT_PUBLISHES: readonly AnyEventDefinition[] = [
  OrderAllocated,
  ShipmentStatusChanged,
  OrderShipped,
  OrderDelivered,
  DeliveryLate,
  ReplenishmentSuggested,
  ProblemOrderRaised,
  CustomerNotificationRequested,
  ReturnFulfillmentUpdated,
];

/** See the module documentation. */
export class Fulfillment extends Construct {
  readonly table: CommerceTable;

  constructor(scope: Construct, id: string, platform: Platform, dependencies: FulfillmentDependencies) {
    super(scope, id);
    this.table = new CommerceTable(this, 'FulfillmentTable', {
      stage: platform.stage,
      indexes: [
        { name: 'byDueDate', partitionKey: 'duePk', sortKey: 'dueSk' },
        { name: 'byPendingOutbox', partitionKey: 'outboxPk', sortKey: 'outboxSk' },
      ],
    });
    stableLogicalId(this.table.table, 'FulfillmentTable');
    const env = { FULFILLMENT_TABLE_NAME: this.table.tableName };
    const withCatalog = { ...env, CATALOG_TABLE_NAME: dependencies.catalog.tableName };
    const removalPolicy = platform.stage.removalPolicy;

    // FUL-3: the stage's carrier. Kuaidi100's merchant account lives in Secrets Manager (created by the operator, README).
    const carrierProvider = platform.stage.carrierProvider;
    const kuaidi100SecretName = `commerce/${platform.stage.name}/kuaidi100`;
    const carrierEnv = { CARRIER_PROVIDER: carrierProvider, ...(carrierProvider === 'kuaidi100' ? { KUAIDI100_ACCOUNT_SECRET_ID: kuaidi100SecretName } : {}) };
    const useKuaidi100Account = (fn: ServiceFunction) =>
      fn.allow(
        ['secretsmanager:GetSecretValue'],
        [Stack.of(this).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${kuaidi100SecretName}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      );

    /** Catalog's stock contract: transaction items joined into our transactions (UpdateItem on stock items and reservation records). */
    const changeStock = (fn: ServiceFunction) => fn.allow(['dynamodb:UpdateItem'], [dependencies.catalog.table.tableArn]);

    // Allocation: the order's reservations become picks in the catalog's stock items (one transaction with ours).
    const allocate = platform.function(this, 'AllocateOrderFunction', {
      entry: 'functions/fulfillment/handlers/allocate-order.ts',
      description: 'OrderStatusChanged (APPROVED) → allocation, shipments, OrderAllocated (FUL-1, FUL-2)',
      environment: { ...withCatalog, ...carrierEnv },
    });
    this.table.grant(allocate, 'readWrite');
    if (carrierProvider === 'kuaidi100') {
      // Checkout's recipient contract: the order item only, decrypted just in time for the label.
      dependencies.orders.grantActions(allocate, ['dynamodb:GetItem']);
      platform.useFieldEncryption(allocate, { encrypt: false, decrypt: true, entities: [ORDER_ENTITY] });
      useKuaidi100Account(allocate);
    }
    dependencies.catalog.grant(allocate, 'read');
    changeStock(allocate);
    platform.publishEvents(allocate, FULFILLMENT_PUBLISHES);
    new EventConsumer(this, 'AllocateOrder', {
      bus: platform.bus,
      events: [OrderStatusChanged],
      detail: { to: ['APPROVED'] },
      handler: allocate,
      deliveryDlq: platform.eventDeliveryFailures,
      removalPolicy,
    });

    // Cancellation: before allocation never allocate; after it cancel shipments not yet picked up and return their stock.
    const cancel = platform.function(this, 'CancelFulfillmentFunction', {
      entry: 'functions/fulfillment/handlers/cancel-fulfillment.ts',
      description: 'OrderCancelled → shipments not yet picked up cancelled, picked stock returned; ProblemOrderRaised for parcels that left (FUL-1, ORD-6)',
      environment: { ...withCatalog, ...carrierEnv },
    });
    this.table.grant(cancel, 'readWrite');
    if (carrierProvider === 'kuaidi100') useKuaidi100Account(cancel);
    // The order's reservation records (Query); the levels of split stocks a pick came from (BatchGetItem: a bucket merged back since?).
    cancel.allow(['dynamodb:Query', 'dynamodb:BatchGetItem'], [dependencies.catalog.table.tableArn]);
    changeStock(cancel);
    platform.publishEvents(cancel, FULFILLMENT_PUBLISHES);
    new EventConsumer(this, 'CancelFulfillment', { bus: platform.bus, events: [OrderCancelled], handler: cancel, deliveryDlq: platform.eventDeliveryFailures, removalPolicy });

    // AFT-1: returns. A real carrier's booking reads the order's recipient (for a pickup: the sender) through checkout's contract, just in time.
    const readRecipient = (fn: ServiceFunction) => {
      if (carrierProvider !== 'kuaidi100') return;
      dependencies.orders.grantActions(fn, ['dynamodb:GetItem']);
      platform.useFieldEncryption(fn, { encrypt: false, decrypt: true, entities: [ORDER_ENTITY] });
      useKuaidi100Account(fn);
    };
    const pickup = platform.function(this, 'BookReturnPickupFunction', {
      entry: 'functions/fulfillment/handlers/book-return-pickup.ts',
      description: 'ReturnPickupRequested → doorstep pickup booked with the carrier, ReturnFulfillmentUpdated (AFT-1)',
      environment: { ...env, ...carrierEnv },
    });
    this.table.grant(pickup, 'readWrite');
    readRecipient(pickup);
    platform.publishEvents(pickup, FULFILLMENT_PUBLISHES);
    new EventConsumer(this, 'BookReturnPickup', {
      bus: platform.bus,
      events: [ReturnPickupRequested],
      handler: pickup,
      deliveryDlq: platform.eventDeliveryFailures,
      removalPolicy,
    });

    const replacement = platform.function(this, 'ShipExchangeReplacementFunction', {
      entry: 'functions/fulfillment/handlers/ship-exchange-replacement.ts',
      description: 'ExchangeShipmentRequested → replacement picked and shipped, ReturnFulfillmentUpdated (AFT-1)',
      environment: { ...withCatalog, ...carrierEnv },
    });
    this.table.grant(replacement, 'readWrite');
    readRecipient(replacement);
    dependencies.catalog.grant(replacement, 'read');
    changeStock(replacement);
    platform.publishEvents(replacement, FULFILLMENT_PUBLISHES);
    new EventConsumer(this, 'ShipExchangeReplacement', {
      bus: platform.bus,
      events: [ExchangeShipmentRequested],
      handler: replacement,
      deliveryDlq: platform.eventDeliveryFailures,
      removalPolicy,
    });

    // Carriers' signing secrets: Secrets Manager in every stage, dev included (created by the operator, README);
    // the sandbox's built-in secret exists only in the local cloud and tests (functions/fulfillment/carrier-secrets.ts).
    const carrierSecretName = `commerce/${platform.stage.name}/carriers`;
    const carrierSecretArn = Stack.of(this).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${carrierSecretName}-??????`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const useCarrierSecrets = (fn: ServiceFunction) => fn.allow(['secretsmanager:GetSecretValue'], [carrierSecretArn]);
    const webhook = platform.function(this, 'ReceiveCarrierWebhookFunction', {
      entry: 'functions/fulfillment/handlers/receive-carrier-webhook.ts',
      description: 'POST /webhooks/carriers (FUL-3)',
      environment: { ...env, CARRIER_WEBHOOK_SECRETS_ID: carrierSecretName },
    });
    useCarrierSecrets(webhook);
    this.table.grant(webhook, 'readWrite');
    platform.publishEvents(webhook, FULFILLMENT_PUBLISHES);
    platform.api.addRoute(receiveCarrierWebhookRoute, webhook);

    if (carrierProvider === 'kuaidi100') {
      const kuaidi100Callback = platform.function(this, 'ReceiveKuaidi100CallbackFunction', {
        entry: 'functions/fulfillment/handlers/receive-kuaidi100-callback.ts',
        description: 'POST /webhooks/carriers/kuaidi100/{kind} (FUL-3)',
        environment: { ...env, ...carrierEnv },
      });
      useKuaidi100Account(kuaidi100Callback);
      this.table.grant(kuaidi100Callback, 'readWrite');
      platform.publishEvents(kuaidi100Callback, FULFILLMENT_PUBLISHES);
      platform.api.addRoute(receiveKuaidi100CallbackRoute, kuaidi100Callback);
    }

    const stockLevels = platform.function(this, 'TrackStockLevelsFunction', {
      entry: 'functions/fulfillment/handlers/track-stock-levels.ts',
      description: 'OrderPlaced, StockAdjusted → demand history, ReplenishmentSuggested (FUL-4)',
      environment: withCatalog,
    });
    this.table.grant(stockLevels, 'readWrite');
    dependencies.catalog.grant(stockLevels, 'read');
    platform.publishEvents(stockLevels, FULFILLMENT_PUBLISHES);
    new EventConsumer(this, 'TrackStockLevels', {
      bus: platform.bus,
      events: [OrderPlaced, StockAdjusted],
      handler: stockLevels,
      deliveryDlq: platform.eventDeliveryFailures,
      removalPolicy,
      maxBatchingWindow: OFF_PATH_BATCHING_WINDOW,
    });

    const lateSweep = platform.function(this, 'SweepLateDeliveriesFunction', {
      entry: 'functions/fulfillment/handlers/sweep-late-deliveries.ts',
      description: 'Late deliveries → DeliveryLate, notifications, problem orders; outbox republish (FUL-3)',
      timeout: Duration.minutes(2),
      environment: env,
    });
    this.table.grant(lateSweep, 'readWrite');
    platform.publishEvents(lateSweep, FULFILLMENT_PUBLISHES);
    // A spike of late deliveries (one sweep alerting many) is a carrier or warehouse problem, not bad luck.
    platform.alarms.alarm(this, 'LateDeliverySpikeAlarm', {
      severity: 'high',
      runbook: 'late-deliveries',
      name: 'late-delivery-spike',
      summary: `More than ${LATE_DELIVERY_SPIKE} deliveries became late within an hour (DeliveryLate): a carrier or the warehouse is failing (FUL-3).`,
      metric: new Metric({
        namespace: 'Commerce',
        metricName: 'LateDeliveriesAlerted',
        dimensionsMap: { service: 'SweepLateDeliveriesFunction' },
        statistic: 'Sum',
        period: Duration.hours(1),
      }),
      threshold: LATE_DELIVERY_SPIKE,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    new ScheduledJob(this, 'SweepLateDeliveries', {
      schedule: 'rate(15 minutes)',
      handler: lateSweep,
      deliveryDlq: platform.eventDeliveryFailures,
      description: 'Late-delivery sweep every 15 minutes',
    });

    const replenishmentSweep = platform.function(this, 'SweepReplenishmentFunction', {
      entry: 'functions/fulfillment/handlers/sweep-replenishment.ts',
      description: 'Daily safety-stock sweep → ReplenishmentSuggested (FUL-4)',
      timeout: Duration.minutes(5),
      environment: withCatalog,
    });
    this.table.grant(replenishmentSweep, 'readWrite');
    dependencies.catalog.grant(replenishmentSweep, 'read');
    platform.publishEvents(replenishmentSweep, FULFILLMENT_PUBLISHES);
    new ScheduledJob(this, 'SweepReplenishment', {
      schedule: 'cron(0 1 * * ? *)',
      handler: replenishmentSweep,
      deliveryDlq: platform.eventDeliveryFailures,
      description: 'Daily replenishment sweep, 01:00 UTC',
    });

    const getDegraded = platform.function(this, 'GetDegradedModeFunction', {
      entry: 'functions/fulfillment/handlers/get-degraded-mode.ts',
      description: 'GET /admin/degraded-mode (FUL-5)',
      environment: env,
    });
    this.table.grant(getDegraded, 'read');
    platform.api.addRoute(getDegradedModeRoute, getDegraded);

    const putDegraded = platform.function(this, 'PutDegradedModeFunction', {
      entry: 'functions/fulfillment/handlers/put-degraded-mode.ts',
      description: 'PUT /admin/degraded-mode (FUL-5), audited',
      environment: env,
    });
    this.table.grant(putDegraded, 'readWrite');
    platform.useAuditLog(putDegraded);
    platform.api.addRoute(putDegradedModeRoute, putDegraded);

    // FUL-2, FUL-3: carrier rules and delivery time limits as data (ops, audited); allocation re-reads them every 10 s.
    const getShipping = platform.function(this, 'GetShippingSettingsFunction', {
      entry: 'functions/fulfillment/handlers/get-shipping-settings.ts',
      description: 'GET /admin/settings/shipping (FUL-2, FUL-3)',
      environment: env,
    });
    this.table.grantActions(getShipping, ['dynamodb:GetItem']);
    platform.api.addRoute(getShippingSettingsRoute, getShipping);
    const putShipping = platform.function(this, 'PutShippingSettingsFunction', {
      entry: 'functions/fulfillment/handlers/put-shipping-settings.ts',
      description: 'PUT /admin/settings/shipping (FUL-2, FUL-3), audited',
      environment: env,
    });
    this.table.grantActions(putShipping, ['dynamodb:GetItem', 'dynamodb:PutItem']);
    platform.useAuditLog(putShipping);
    platform.api.addRoute(putShippingSettingsRoute, putShipping);

    const listShipments = platform.function(this, 'ListShipmentsFunction', {
      entry: 'functions/fulfillment/handlers/list-shipments.ts',
      description: 'GET /admin/shipments?orderId= (staff)',
      environment: env,
    });
    this.table.grant(listShipments, 'read');
    platform.api.addRoute(listShipmentsRoute, listShipments);

    const getReplenishment = platform.function(this, 'GetReplenishmentFunction', {
      entry: 'functions/fulfillment/handlers/get-replenishment.ts',
      description: 'GET /admin/replenishment/{sku} (ops)',
      environment: env,
    });
    this.table.grant(getReplenishment, 'read');
    platform.api.addRoute(getReplenishmentRoute, getReplenishment);

    if (platform.stage.name === 'dev') {
      const reports = new EncryptedQueue(this, 'SandboxCarrier', { visibilityTimeout: Duration.seconds(60), removalPolicy });
      const deliver = platform.function(this, 'DeliverSandboxCarrierEventsFunction', {
        entry: 'functions/fulfillment/handlers/deliver-sandbox-carrier-events.ts',
        description: 'Sandbox carrier: signs due tracking reports and delivers them to the webhook use case (dev only)',
        environment: { ...env, CARRIER_WEBHOOK_SECRETS_ID: carrierSecretName },
      });
      useCarrierSecrets(deliver);
      this.table.grant(deliver, 'readWrite');
      platform.publishEvents(deliver, FULFILLMENT_PUBLISHES);
      deliver.live.addEventSource(new SqsEventSource(reports.queue, { batchSize: 10, reportBatchItemFailures: true }));
      acknowledge(
        deliver,
        'Serverless-LambdaEventSourceMappingDestination',
        "SQS event sources do not support on-failure destinations; failed reports go to the queue's own DLQ after maxReceiveCount (redrive policy).",
      );

      const schedule = platform.function(this, 'PostSandboxCarrierEventFunction', {
        entry: 'functions/fulfillment/handlers/post-sandbox-carrier-event.ts',
        description: 'POST /admin/sandbox-carrier/events (dev only)',
        environment: { ...env, SANDBOX_CARRIER_QUEUE_URL: reports.queue.queueUrl },
      });
      this.table.grant(schedule, 'read');
      schedule.allow(['sqs:SendMessage'], [reports.queue.queueArn]);
      platform.useIdempotency(schedule);
      platform.api.addRoute(postSandboxCarrierEventRoute, schedule);
    }
  }
}
