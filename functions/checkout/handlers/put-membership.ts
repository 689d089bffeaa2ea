/**
 * `PUT /admin/members/{customerId}` (marketer) — set a customer's membership tier; audited.
 * Env: `ORDERS_TABLE_NAME`, `AUDIT_TABLE_NAME`.
 */
import { auditLogFromEnv, type AuditLog } from '../../../shared/audit.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import type { HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { checkoutHttpHandler } from './problems.ts';
import { currentPromotionStore } from '../adapters.ts';
import { setMembership } from '../manage-memberships.ts';
import type { PromotionAdmin } from '../promotions-repository.ts';
import { putMembershipRoute } from '../routes.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface PutMembershipHandlerPorts {
  readonly store?: () => Pick<PromotionAdmin, 'getMembership' | 'saveMembership'>;
  readonly audit?: () => AuditLog;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makePutMembershipHandler(ports: PutMembershipHandlerPorts = {}): HttpLambdaHandler {
  return checkoutHttpHandler(putMembershipRoute, async ({ path, body, principal, correlationId }) => {
    const result = await setMembership(
      { store: (ports.store ?? currentPromotionStore)(), audit: (ports.audit ?? auditLogFromEnv)(), clock: ports.clock ?? systemClock },
      { customerId: path.customerId, tier: body.tier, changedBy: principal.userId, roles: principal.roles, reason: body.reason, correlationId },
    );
    return { statusCode: 200, body: result.item };
  });
}

/** The Lambda handler. */
export const handler = makePutMembershipHandler();
