/**
 * `PUT /admin/coupons/{code}` (marketer) — create or replace a coupon, keeping its usage; audited.
 * Env: `ORDERS_TABLE_NAME`, `AUDIT_TABLE_NAME`.
 */
import { auditLogFromEnv, type AuditLog } from '../../../shared/audit.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { getConfig } from '../../../shared/config.ts';
import type { HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { checkoutHttpHandler } from './problems.ts';
import { currentPromotionStore } from '../adapters.ts';
import type { Coupon } from '../domain/pricing.ts';
import { putCoupon } from '../manage-promotions.ts';
import type { PromotionAdmin } from '../promotions-repository.ts';
import { putCouponRoute } from '../routes.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface PutCouponHandlerPorts {
  readonly store?: () => PromotionAdmin;
  readonly audit?: () => AuditLog;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makePutCouponHandler(ports: PutCouponHandlerPorts = {}): HttpLambdaHandler {
  return checkoutHttpHandler(putCouponRoute, async ({ path, body, principal, correlationId }) => {
    const { active, reason, ...definition } = body;
    const result = await putCoupon(
      { store: (ports.store ?? currentPromotionStore)(), audit: (ports.audit ?? auditLogFromEnv)(), clock: ports.clock ?? systemClock, currency: getConfig().currency },
      { coupon: { ...definition, code: path.code } as Coupon, active, changedBy: principal.userId, roles: principal.roles, reason, correlationId },
    );
    return { statusCode: result.outcome === 'created' ? 201 : 200, body: result.item };
  });
}

/** The Lambda handler. */
export const handler = makePutCouponHandler();
