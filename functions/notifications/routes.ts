/**
 * The notifications capability's HTTP contract: `GET /admin/notifications?customerId=` (cs-agent,
 * ops, admin) — a customer's notifications, newest first, as they went out (or were suppressed):
 * template, channel, masked destination, texts (ids, amounts, statuses and links only), status.
 * In dev, the local cloud and tests this is also what the sandbox provider "sent".
 */
import * as z from 'zod';
import { lazily } from '../../shared/lazily.ts';
import { defineRoute, type RouteContract } from '../../shared/http/route.ts';
import { pageSchema, paginationQuerySchema } from '../../shared/http/pagination.ts';

/** `GET /admin/notifications` query: the customer is required. */
export const ListNotificationsQuery = lazily(() =>
  paginationQuerySchema().extend({
    customerId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9:._@+-]{0,127}$/)
      .describe('The customer (token `sub`) whose notifications to list'),
  }),
);

const NotificationDoc = lazily(() =>
  z.object({
    notificationId: z.string(),
    key: z.string().describe('The natural key: one notification per key (e.g. `order-confirmed#<orderId>`)'),
    customerId: z.string(),
    orderId: z.string().optional(),
    template: z.string(),
    kind: z.enum(['transactional', 'marketing']),
    status: z
      .enum(['PENDING', 'SENT', 'SUPPRESSED'])
      .describe('PENDING: being sent (or waiting for a retry); SENT: sent, or recorded in-app; SUPPRESSED: not sent on purpose (`reason`)'),
    channel: z.enum(['email', 'sms', 'in-app']).optional(),
    locale: z.enum(['zh-CN', 'en']).optional(),
    destination: z.string().optional().describe('Masked (`l***@example.cn`, `138****8000`)'),
    subject: z.string().optional(),
    body: z.string().optional(),
    reason: z.string().optional().describe('`no-consent` (suppressed marketing), `no-order` or `no-contact` (in-app only)'),
    provider: z.string().optional(),
    providerMessageId: z.string().optional(),
    sourceEvent: z.string(),
    sourceEventId: z.string(),
    attempts: z.number().int(),
    lastError: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    sentAt: z.string().optional(),
  }),
);

/** `GET /admin/notifications?customerId=` — cs-agent, ops, admin. */
export const listNotificationsRoute = defineRoute({
  operation: 'listNotifications',
  method: 'get',
  pathTemplate: '/admin/notifications',
  summary: 'A customer’s notifications, newest first',
  tags: ['notifications', 'admin'],
  auth: { roles: ['cs-agent', 'ops', 'admin'] },
  query: ListNotificationsQuery,
  responses: {
    200: { description: 'A page of the customer’s notifications', schema: () => pageSchema(NotificationDoc()) },
  },
});

/** Every notifications route, for the OpenAPI document. */
export const notificationsRoutes = [listNotificationsRoute] as readonly RouteContract[];
