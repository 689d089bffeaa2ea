/**
 * `GET /admin/notifications?customerId=` (cs-agent, ops, admin) — a page of a customer's
 * notifications, newest first (destinations masked). Env: `NOTIFICATIONS_TABLE_NAME`.
 */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { notificationsRepositoryFromEnv, type NotificationsRepository } from '../notifications-repository.ts';
import { listNotificationsRoute } from '../routes.ts';

/** Builds the handler with the given repository. */
export function makeListNotificationsHandler(ports: { repository?: () => Pick<NotificationsRepository, 'listByCustomer'> } = {}): HttpLambdaHandler {
  return httpHandler(listNotificationsRoute, async ({ query }) => {
    const page = await (ports.repository ?? notificationsRepositoryFromEnv)().listByCustomer(query.customerId, query.limit, query.cursor);
    return { statusCode: 200, body: page };
  });
}

/** The Lambda handler. */
export const handler = makeListNotificationsHandler();
