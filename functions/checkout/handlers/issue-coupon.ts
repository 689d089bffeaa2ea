/**
 * `POST /admin/coupons/{code}/issues` (marketer) — issue a coupon to customers; audited.
 * Env: `ORDERS_TABLE_NAME`, `AUDIT_TABLE_NAME`.
 */
import { auditLogFromEnv, type AuditLog } from '../../../shared/audit.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import type { HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { checkoutHttpHandler } from './problems.ts';
import { currentPromotionStore } from '../adapters.ts';
import { issueCoupon } from '../manage-promotions.ts';
import type { PromotionAdmin } from '../promotions-repository.ts';
import { issueCouponRoute } from '../routes.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface IssueCouponHandlerPorts {
  readonly store?: () => PromotionAdmin;
  readonly audit?: () => AuditLog;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makeIssueCouponHandler(ports: IssueCouponHandlerPorts = {}): HttpLambdaHandler {
  return checkoutHttpHandler(issueCouponRoute, async ({ path, body, principal, correlationId }) => {
    const result = await issueCoupon(
      { store: (ports.store ?? currentPromotionStore)(), audit: (ports.audit ?? auditLogFromEnv)(), clock: ports.clock ?? systemClock },
      { code: path.code, customerIds: body.customerIds, changedBy: principal.userId, roles: principal.roles, reason: body.reason, correlationId },
    );
    return { statusCode: 200, body: result };
  });
}

/** The Lambda handler. */
export const handler = makeIssueCouponHandler();
