/**
 * SQS consumer (ORD-6, AFT-1, AFT-2): every customer-facing event → exactly one notification,
 * rendered in zh-CN or English and sent through the stage's provider (SES/SNS in AWS, the sandbox
 * elsewhere) — see send-notification.ts and the README's event table. Records whose send fails are
 * reported as batch item failures: the queue retries them, then moves them to its DLQ.
 * Env: `NOTIFICATIONS_TABLE_NAME`, `ORDERS_TABLE_NAME` + `FIELD_ENCRYPTION_KEY_ID` (checkout's
 * contact contract), `NOTIFICATION_PROVIDER` (+ `NOTIFICATION_SENDER` with `aws`), `STOREFRONT_URL`.
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { backoffRedelivery, eventConsumer } from '../../../shared/event-consumer.ts';
import { newId } from '../../../shared/ids.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import { CustomerNotificationRequested } from '../../../events/customer-notification-requested.ts';
import { OrderDelivered, OrderShipped } from '../../../events/fulfillment-events.ts';
import { OrderCancelled } from '../../../events/order-cancelled.ts';
import { OrderPlaced } from '../../../events/order-placed.ts';
import { OrderStatusChanged } from '../../../events/order-status-changed.ts';
import { PaymentRefunded } from '../../../events/payment-events.ts';
import { ReturnStatusChanged } from '../../../events/return-events.ts';
import { TicketStatusChanged } from '../../../events/ticket-events.ts';
import { contactReaderFromEnv } from '../../checkout/contact-contract.ts';
import { isRequest, notificationFor, type NotifiableEvent } from '../domain/notification.ts';
import { notificationsRepositoryFromEnv, type NotificationsRepository } from '../notifications-repository.ts';
import { configuredProvider } from '../providers/configured-provider.ts';
import { consentCheckFromEnv } from '../../privacy/consent-contract.ts';
import type { NotificationProvider } from '../providers/provider.ts';
import { NotificationBusyError, sendNotification, type RecipientContact } from '../send-notification.ts';
import { notificationSettings } from '../settings.ts';

/** The events the notifier consumes (OrderStatusChanged only for `to: REJECTED`, filtered by its rule). */
export const NOTIFIED_EVENTS = [
  CustomerNotificationRequested,
  OrderPlaced,
  OrderStatusChanged,
  OrderCancelled,
  OrderShipped,
  OrderDelivered,
  PaymentRefunded,
  ReturnStatusChanged,
  TicketStatusChanged,
] as const;

/** Ports of the handler; each defaults to the real adapter. */
export interface SendNotificationHandlerPorts {
  readonly repository?: () => NotificationsRepository;
  readonly contactOf?: (orderId: string) => Promise<RecipientContact | undefined>;
  readonly marketingConsent?: (customerId: string) => Promise<boolean>;
  readonly provider?: NotificationProvider;
  readonly clock?: Clock;
  /** Shorten the wait of a record another delivery is sending (default: SQS ChangeMessageVisibility). */
  readonly deferRetries?: boolean;
}

/** Builds the handler with the given ports. */
export function makeSendNotificationHandler(ports: SendNotificationHandlerPorts = {}) {
  const redelivery = backoffRedelivery();
  // Built on first use and kept for the container (one set of SDK clients).
  let runtime: { repository: NotificationsRepository; provider: NotificationProvider } | undefined;
  return eventConsumer(
    NOTIFIED_EVENTS,
    async (event, record) => {
      const notifiable = event as NotifiableEvent;
      const ids = { messageId: record.messageId, event: event.name, eventId: event.detail.meta.eventId, correlationId: event.detail.meta.correlationId };
      const request = notificationFor(notifiable);
      if (!isRequest(request)) {
        logger.info('event not notified', { ...ids, why: request.skip });
        return;
      }
      const settings = notificationSettings();
      const clock = ports.clock ?? systemClock;
      if (!runtime) {
        const repository = (ports.repository ?? notificationsRepositoryFromEnv)();
        runtime = { repository, provider: ports.provider ?? configuredProvider(settings, repository, clock) };
      }
      const { repository, provider } = runtime;
      const outcome = await sendNotification(
        {
          repository,
          contactOf: ports.contactOf ?? contactReaderFromEnv(),
          marketingConsent: ports.marketingConsent ?? ((customerId) => consentCheckFromEnv()(customerId, 'marketing')),
          provider,
          clock,
          newId: () => newId(clock.now()),
          links: { storefrontUrl: settings.storefrontUrl },
          claimSeconds: settings.claimSeconds,
        },
        request,
      );
      metrics.addMetric(
        outcome.outcome === 'sent'
          ? 'NotificationsSent'
          : outcome.outcome === 'suppressed'
            ? 'NotificationsSuppressed'
            : outcome.outcome === 'duplicate'
              ? 'DuplicateNotifications'
              : 'NotificationsSkipped',
        MetricUnit.Count,
        1,
      );
      logger.info('notification', { ...ids, template: request.call.id, ...outcome });
    },
    {
      // A batch's notifications are sent concurrently, but never two of one order at once: one
      // order's (a confirmation and its cancellation gathered in one batch) go in the batch's order.
      inOrderOf: (event) => {
        const { orderId, customerId } = event.detail as { orderId?: string; customerId?: string };
        return orderId ?? customerId;
      },
      retryLater: { error: NotificationBusyError, ...(ports.deferRetries === false ? {} : { redeliver: redelivery }) },
      logKeys: (event) => ({ orderId: (event.detail as { orderId?: string }).orderId }),
    },
  );
}

/** The Lambda handler. */
export const handler = makeSendNotificationHandler();
