/**
 * Returns and exchanges (AFT-1): the ReturnsTable (returns, each order's returns item with its
 * refund ledger, the outbox); the customer routes (request, read, cancel) and the staff routes
 * (cs-agent's decision, ops' inspection — restock through catalog's stock contract), both audited;
 * the consumers of fulfillment's `ReturnFulfillmentUpdated` and payments' `PaymentRefunded`; the
 * outbox sweep (every 5 minutes). Reads checkout's orders only through its order contract (Query
 * on the order's partition, no personal data, no KMS).
 */
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PaymentRefunded } from '../../events/payment-events.ts';
import { ReturnFulfillmentUpdated } from '../../events/return-events.ts';
import { RETURNS_PUBLISHES } from '../../functions/returns/outbox.ts';
import { cancelReturnRoute, decideReturnRoute, getReturnRoute, inspectReturnRoute, listOrderReturnsRoute, requestReturnRoute } from '../../functions/returns/routes.ts';
import { CommerceTable } from '../constructs/commerce-table.ts';
import { EventConsumer, ScheduledJob, stableLogicalId } from '../constructs/messaging.ts';
import type { Platform } from '../platform.ts';

/** Tables of other capabilities this one uses through their documented contracts. */
export interface ReturnsDependencies {
  /** Catalog's stock contract (restock) and products (non-returnable, exchange prices). */
  readonly catalog: CommerceTable;
  /** Checkout's order contract. */
  readonly orders: CommerceTable;
}

/** The field-encryption entity of a return's comment. */
const RETURN_ENTITY = 'return';

/** See the module documentation. */
export class Returns extends Construct {
  readonly table: CommerceTable;

  constructor(scope: Construct, id: string, platform: Platform, dependencies: ReturnsDependencies) {
    super(scope, id);
    this.table = new CommerceTable(this, 'ReturnsTable', {
      stage: platform.stage,
      indexes: [
        { name: 'byOrder', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
        { name: 'byCustomer', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
        { name: 'byPendingOutbox', partitionKey: 'outboxPk', sortKey: 'outboxSk' },
      ],
    });
    stableLogicalId(this.table.table, 'ReturnsTable');
    const env = { RETURNS_TABLE_NAME: this.table.tableName };
    const removalPolicy = platform.stage.removalPolicy;

    // The customer's routes in two functions (shared/http/route-dispatcher.ts): each customer-reachable
    // function holds reserved concurrency in prod (SEC-5), so queries and commands, not one per route.
    const commands = platform.function(this, 'CustomerReturnCommandsFunction', {
      entry: 'functions/returns/handlers/customer-return-commands.ts',
      description: 'POST /orders/{orderId}/returns, POST /returns/{returnId}/cancel (AFT-1)',
      environment: { ...env, ORDERS_TABLE_NAME: dependencies.orders.tableName, CATALOG_TABLE_NAME: dependencies.catalog.tableName },
    });
    this.table.grant(commands, 'readWrite');
    // Checkout's order contract: the order's partition, projected without personal data.
    dependencies.orders.grantActions(commands, ['dynamodb:Query']);
    // Catalog's products (CatalogReader.entries: one query per SKU, and a BatchGetItem of the buckets of a SKU whose stock was split for a sale).
    dependencies.catalog.grantActions(commands, ['dynamodb:Query', 'dynamodb:BatchGetItem']);
    platform.useFieldEncryption(commands, { encrypt: true, decrypt: true, entities: [RETURN_ENTITY] });
    platform.publishEvents(commands, RETURNS_PUBLISHES);
    platform.useIdempotency(commands);
    platform.api.addRoute(requestReturnRoute, commands);
    platform.api.addRoute(cancelReturnRoute, commands);

    const queries = platform.function(this, 'ReturnQueriesFunction', {
      entry: 'functions/returns/handlers/return-queries.ts',
      description: 'GET /returns/{returnId}, GET /orders/{orderId}/returns (AFT-1)',
      environment: env,
    });
    this.table.grant(queries, 'read');
    platform.useFieldEncryption(queries, { encrypt: false, decrypt: true, entities: [RETURN_ENTITY] });
    platform.api.addRoute(getReturnRoute, queries);
    platform.api.addRoute(listOrderReturnsRoute, queries);

    const decide = platform.function(this, 'DecideReturnFunction', {
      entry: 'functions/returns/handlers/decide-return.ts',
      description: 'POST /admin/returns/{returnId}/decision (AFT-1), audited',
      environment: env,
    });
    this.table.grant(decide, 'readWrite');
    platform.useAuditLog(decide);
    platform.publishEvents(decide, RETURNS_PUBLISHES);
    platform.useIdempotency(decide);
    platform.api.addRoute(decideReturnRoute, decide);

    const inspect = platform.function(this, 'InspectReturnFunction', {
      entry: 'functions/returns/handlers/inspect-return.ts',
      description: 'POST /admin/returns/{returnId}/inspection (AFT-1): restock or write-off, refund or exchange; audited',
      environment: { ...env, CATALOG_TABLE_NAME: dependencies.catalog.tableName },
    });
    this.table.grant(inspect, 'readWrite');
    // Catalog's stock contract: restock transaction items joined into ours (UpdateItem on stock items and restock records).
    inspect.allow(['dynamodb:UpdateItem'], [dependencies.catalog.table.tableArn]);
    platform.useAuditLog(inspect);
    platform.publishEvents(inspect, RETURNS_PUBLISHES);
    platform.useIdempotency(inspect);
    platform.api.addRoute(inspectReturnRoute, inspect);

    const fulfillmentUpdates = platform.function(this, 'ApplyReturnFulfillmentUpdateFunction', {
      entry: 'functions/returns/handlers/apply-return-fulfillment-update.ts',
      description: 'ReturnFulfillmentUpdated → pickup booked, picked up (express refund), received, replacement (AFT-1)',
      environment: env,
    });
    this.table.grant(fulfillmentUpdates, 'readWrite');
    platform.publishEvents(fulfillmentUpdates, RETURNS_PUBLISHES);
    new EventConsumer(this, 'ApplyReturnFulfillmentUpdate', {
      bus: platform.bus,
      events: [ReturnFulfillmentUpdated],
      handler: fulfillmentUpdates,
      deliveryDlq: platform.eventDeliveryFailures,
      removalPolicy,
    });

    const refunds = platform.function(this, 'ApplyReturnRefundFunction', {
      entry: 'functions/returns/handlers/apply-return-refund.ts',
      description: 'PaymentRefunded (with a returnId) → the return refunded (AFT-1)',
      environment: env,
    });
    this.table.grant(refunds, 'readWrite');
    platform.publishEvents(refunds, RETURNS_PUBLISHES);
    new EventConsumer(this, 'ApplyReturnRefund', { bus: platform.bus, events: [PaymentRefunded], handler: refunds, deliveryDlq: platform.eventDeliveryFailures, removalPolicy });

    const sweep = platform.function(this, 'SweepReturnsOutboxFunction', {
      entry: 'functions/returns/handlers/sweep-returns-outbox.ts',
      description: 'Returns outbox republish (AFT-1)',
      timeout: Duration.minutes(1),
      environment: env,
    });
    this.table.grant(sweep, 'readWrite');
    platform.publishEvents(sweep, RETURNS_PUBLISHES);
    new ScheduledJob(this, 'SweepReturnsOutbox', {
      schedule: 'rate(5 minutes)',
      handler: sweep,
      deliveryDlq: platform.eventDeliveryFailures,
      description: 'Returns outbox sweep every 5 minutes',
    });
  }
}
