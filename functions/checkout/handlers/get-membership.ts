/** `GET /admin/members/{customerId}` (marketer, cs-agent) — a customer's membership tier. Env: `ORDERS_TABLE_NAME`. */
import type { HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { checkoutHttpHandler } from './problems.ts';
import { currentPromotionStore } from '../adapters.ts';
import { getMembership } from '../manage-memberships.ts';
import type { PromotionAdmin } from '../promotions-repository.ts';
import { getMembershipRoute } from '../routes.ts';

/** Builds the handler with the given store. */
export function makeGetMembershipHandler(ports: { readonly store?: () => Pick<PromotionAdmin, 'getMembership'> } = {}): HttpLambdaHandler {
  return checkoutHttpHandler(getMembershipRoute, async ({ path }) => ({
    statusCode: 200,
    body: await getMembership({ store: (ports.store ?? currentPromotionStore)() }, path.customerId),
  }));
}

/** The Lambda handler. */
export const handler = makeGetMembershipHandler();
