/**
 * `PUT /admin/promotions/{promotionId}` (marketer) — create or replace a promotion; audited.
 * Env: `ORDERS_TABLE_NAME`, `CATALOG_TABLE_NAME` (the flash SKU's list price), `AUDIT_TABLE_NAME`.
 */
import { auditLogFromEnv, type AuditLog } from '../../../shared/audit.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { getConfig } from '../../../shared/config.ts';
import type { HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { checkoutHttpHandler } from './problems.ts';
import { catalogListPrices, currentPromotionStore } from '../adapters.ts';
import type { Promotion } from '../domain/pricing.ts';
import { putPromotion, type ListPrices } from '../manage-promotions.ts';
import type { PromotionAdmin } from '../promotions-repository.ts';
import { putPromotionRoute } from '../routes.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface PutPromotionHandlerPorts {
  readonly store?: () => PromotionAdmin;
  readonly catalog?: () => ListPrices;
  readonly audit?: () => AuditLog;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makePutPromotionHandler(ports: PutPromotionHandlerPorts = {}): HttpLambdaHandler {
  return checkoutHttpHandler(putPromotionRoute, async ({ path, body, principal, correlationId }) => {
    const { active, reason, ...definition } = body;
    const result = await putPromotion(
      {
        store: (ports.store ?? currentPromotionStore)(),
        catalog: (ports.catalog ?? catalogListPrices)(),
        audit: (ports.audit ?? auditLogFromEnv)(),
        clock: ports.clock ?? systemClock,
        currency: getConfig().currency,
      },
      { promotion: { ...definition, promotionId: path.promotionId } as Promotion, active, changedBy: principal.userId, roles: principal.roles, reason, correlationId },
    );
    return { statusCode: result.outcome === 'created' ? 201 : 200, body: result.item };
  });
}

/** The Lambda handler. */
export const handler = makePutPromotionHandler();
