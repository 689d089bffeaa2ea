/**
 * The notifications capability's HTTP contract: `GET /admin/notifications?customerId=` (cs-agent,
 * ops, admin) — a customer's notifications, newest first, as they went out (or were suppressed):
 * template, channel, masked destination, texts (ids, amounts, statuses and links only), status.
 * In dev, the local cloud and tests this is also what the sandbox provider "sent".
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { defineRoute, type RouteContract } from '../../shared/http/route.ts';
import { pageSchema, paginationQuerySchema } from '../../shared/http/pagination.ts';

/** `GET /admin/notifications` query: the customer is required. */
export const ListNotificationsQuery = /* @__PURE__ */ lazily(() =>
  z.extend(paginationQuerySchema(), {
    customerId: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9:._@+-]{0,127}$/), z.describe('The customer (token `sub`) whose notifications to list')),
  }),
);

const NotificationDoc = /* @__PURE__ */ lazily(() =>
  z.object({
    notificationId: z.string(),
    key: z.string().check(z.describe('The natural key: one notification per key (e.g. `order-confirmed#<orderId>`)')),
    customerId: z.string(),
    orderId: z.optional(z.string()),
    template: z.string(),
    kind: z.enum(['transactional', 'marketing']),
    status: z
      .enum(['PENDING', 'SENT', 'SUPPRESSED'])
      .check(z.describe('PENDING: being sent (or waiting for a retry); SENT: sent, or recorded in-app; SUPPRESSED: not sent on purpose (`reason`)')),
    channel: z.optional(z.enum(['email', 'sms', 'in-app'])),
    locale: z.optional(z.enum(['zh-CN', 'en'])),
    destination: z.optional(z.string()).check(z.describe('Masked (`l***@example.cn`, `138****8000`)')),
    subject: z.optional(z.string()),
    body: z.optional(z.string()),
    reason: z.optional(z.string()).check(z.describe('`no-consent` (suppressed marketing), `no-order` or `no-contact` (in-app only)')),
    provider: z.optional(z.string()),
    providerMessageId: z.optional(z.string()),
    sourceEvent: z.string(),
    sourceEventId: z.string(),
    attempts: z.number().check(z.int()),
    lastError: z.optional(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    sentAt: z.optional(z.string()),
  }),
);

/** `GET /admin/notifications?customerId=` — cs-agent, ops, admin. */
export const listNotificationsRoute = /* @__PURE__ */ defineRoute({
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
