import { consume, fieldKey } from './helpers.ts';

/**
 * ORD-6, AFT-1, AFT-2 (dev stage, the sandbox provider): the consumer claims, completes and releases
 * notification records by key and records what the sandbox "sent" (no Query, no DeleteItem); reads
 * the order item only and decrypts data keys of the `order` entity only (checkout's contact contract);
 * consumes its two queues. The admin list queries the customer index only.
 */
export const notificationsGrants: Record<string, string[]> = {
  SendNotificationFunction: [
    'dynamodb:GetItem → NotificationsTable',
    'dynamodb:PutItem → NotificationsTable',
    'dynamodb:UpdateItem → NotificationsTable',
    'dynamodb:GetItem → OrdersTable',
    // privacy's consent contract (SEC-3): the customer's consent state, before any marketing message
    'dynamodb:GetItem → PrivacyTable if ForAllValues:StringLike dynamodb:LeadingKeys=CUSTOMER#*',
    ...fieldKey({ decrypt: true, entities: ['order'] }),
    ...consume('SendNotificationQueue'),
    ...consume('NotifyOrderRejectedQueue'),
  ],
  ListNotificationsFunction: ['dynamodb:Query → NotificationsTable/index/byCustomer'],
};
