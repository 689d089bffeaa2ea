/**
 * Notifications (ORD-6, AFT-1, AFT-2): the NotificationsTable (one record per notification, keyed by
 * its natural key; the `byCustomer` index, newest first); the consumer that turns every
 * customer-facing event into exactly one notification and sends it through the stage's provider
 * (SES + SNS with `aws`, the sandbox — which records what it would send in the table — otherwise),
 * reading the recipient's contact just in time through checkout's contact contract (GetItem of the
 * order, Decrypt for the `order` entity); and `GET /admin/notifications?customerId=` (staff).
 *
 * Two rules feed the one consumer: every notified event type on one queue, and OrderStatusChanged
 * filtered to `to: REJECTED` on a second (an EventBridge rule's detail filter applies to every type
 * it matches). Each queue has its DLQ; failed sends are retried by the queue, then dead-lettered.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CustomerNotificationRequested } from '../../events/customer-notification-requested.ts';
import { OrderDelivered, OrderShipped } from '../../events/fulfillment-events.ts';
import { OrderCancelled } from '../../events/order-cancelled.ts';
import { OrderPlaced } from '../../events/order-placed.ts';
import { OrderStatusChanged } from '../../events/order-status-changed.ts';
import { PaymentRefunded } from '../../events/payment-events.ts';
import { ReturnStatusChanged } from '../../events/return-events.ts';
import { TicketStatusChanged } from '../../events/ticket-events.ts';
import { ORDER_ENTITY } from '../../functions/checkout/personal-data.ts';
import { listNotificationsRoute } from '../../functions/notifications/routes.ts';
import { CommerceTable } from '../constructs/commerce-table.ts';
import { EventConsumer, OFF_PATH_BATCHING_WINDOW, stableLogicalId } from '../constructs/messaging.ts';
import { acknowledge } from '../constructs/nag.ts';
import type { Privacy } from './privacy.ts';
import type { Platform } from '../platform.ts';

/** The customer index (functions/notifications/notifications-repository.ts `BY_CUSTOMER_INDEX`). */
const BY_CUSTOMER_INDEX = 'byCustomer';

/** Tables of other capabilities this one reads through their documented contracts. */
export interface NotificationsDependencies {
  /** Checkout's orders table: the recipient's contact, through checkout's contact contract. */
  readonly orders: CommerceTable;
  /** Privacy: the customer's marketing consent, through privacy's consent contract (SEC-3). */
  readonly privacy: Privacy;
}

/** See the module documentation. */
export class Notifications extends Construct {
  readonly table: CommerceTable;

  constructor(scope: Construct, id: string, platform: Platform, dependencies: NotificationsDependencies) {
    super(scope, id);
    const stage = platform.stage;
    this.table = new CommerceTable(this, 'NotificationsTable', { stage, indexes: [{ name: BY_CUSTOMER_INDEX, partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }] });
    stableLogicalId(this.table.table, 'NotificationsTable');
    const removalPolicy = stage.removalPolicy;
    const provider = stage.notificationProvider;
    if (provider === 'aws' && !stage.notificationSender) throw new Error(`stage ${stage.name}: the aws notification provider needs notificationSender (an SES-verified identity)`);

    const send = platform.function(this, 'SendNotificationFunction', {
      entry: 'functions/notifications/handlers/send-notification.ts',
      description: 'Customer-facing events → exactly one notification each, email (SES) / SMS (SNS) / sandbox (ORD-6, AFT-1, AFT-2)',
      // A batch (up to 10, gathered for a second) is sent concurrently (one order's messages in order), each a claim, a contact read, a send and a completion.
      timeout: Duration.seconds(30),
      environment: {
        NOTIFICATION_PROVIDER: provider,
        ...(provider === 'aws' && stage.notificationSender ? { NOTIFICATION_SENDER: stage.notificationSender.email } : {}),
        ...(stage.corsAllowOrigin.startsWith('https://') ? { STOREFRONT_URL: stage.corsAllowOrigin } : {}),
      },
    });
    // Claim, complete and release records by key (UpdateItem); the sandbox also records what it "sent" (PutItem).
    this.table.grantActions(send, ['dynamodb:GetItem', 'dynamodb:UpdateItem', ...(provider === 'sandbox' ? ['dynamodb:PutItem'] : [])]);
    // Checkout's contact contract: the order item only, its email and phone decrypted just in time.
    dependencies.orders.grantActions(send, ['dynamodb:GetItem']);
    platform.useFieldEncryption(send, { encrypt: false, decrypt: true, entities: [ORDER_ENTITY] });
    // Marketing goes out only with consent (SEC-3): privacy's consent contract, the consent state item only.
    dependencies.privacy.grantConsentCheck(send);
    if (provider === 'aws' && stage.notificationSender) {
      const stack = Stack.of(this);
      send.allow(
        ['ses:SendEmail'],
        [stack.formatArn({ service: 'ses', resource: 'identity', resourceName: stage.notificationSender.identity, arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
      );
      // SMS to a phone number has no resource to name: SNS authorises sns:Publish to phone numbers only on "*".
      send.allow(['sns:Publish'], ['*']);
      acknowledge(
        send,
        'AwsSolutions-IAM5[Resource::*]',
        'sns:Publish to a phone number (SMS) has no resource ARN: IAM can only grant it on "*". The statement names that one action; the function publishes to no topic.',
      );
    }
    const consumer = { bus: platform.bus, handler: send, deliveryDlq: platform.eventDeliveryFailures, removalPolicy, maxBatchingWindow: OFF_PATH_BATCHING_WINDOW };
    new EventConsumer(this, 'SendNotification', {
      ...consumer,
      events: [CustomerNotificationRequested, OrderPlaced, OrderCancelled, OrderShipped, OrderDelivered, PaymentRefunded, ReturnStatusChanged, TicketStatusChanged],
    });
    new EventConsumer(this, 'NotifyOrderRejected', { ...consumer, events: [OrderStatusChanged], detail: { to: ['REJECTED'] } });

    const list = platform.function(this, 'ListNotificationsFunction', {
      entry: 'functions/notifications/handlers/list-notifications.ts',
      description: 'GET /admin/notifications?customerId= (staff)',
    });
    list.allow(['dynamodb:Query'], [`${this.table.table.tableArn}/index/${BY_CUSTOMER_INDEX}`]);
    list.addEnvironment(this.table.environmentVariable, this.table.tableName);
    platform.api.addRoute(listNotificationsRoute, list);
  }
}
