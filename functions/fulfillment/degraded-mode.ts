/**
 * Use cases (FUL-5): the degraded-mode switch, set by operations at peak load (audited, SEC-4).
 *
 * What it defers while on — non-essential work only:
 * - the replenishment check on every stock change (OrderPlaced, StockAdjusted): it reads the
 *   catalog's stock items, the same items checkout reserves against at peak. Demand is still
 *   recorded (one write per order), so nothing is lost: the daily replenishment sweep checks every
 *   SKU and emits what was deferred (run it at once with
 *   `npm run invoke -- SweepReplenishmentFunction`, or `aws lambda invoke` on AWS).
 *
 * What it never defers: allocation (OrderAllocated), carrier webhooks and the events payments
 * captures on (OrderShipped, OrderDelivered), exceptions (ProblemOrderRaised, customer
 * notifications) and the late-delivery sweep.
 */
import type { AuditLog } from '../../shared/audit.ts';
import type { Principal } from '../../shared/auth.ts';
import type { Clock } from '../../shared/clock.ts';
import { conflict } from '../../shared/errors.ts';
import { WriteConflict, type DegradedMode, type FulfillmentRepository } from './fulfillment-repository.ts';

/** What degraded mode defers (documented in the API and returned with the switch). */
export const DEFERRED_WHEN_DEGRADED = ['replenishment-check-on-stock-change'] as const;

/** The switch as the API shows it. */
export interface DegradedModeView {
  readonly enabled: boolean;
  readonly reason?: string;
  readonly changedBy?: string;
  readonly changedAt?: string;
  readonly defers: readonly string[];
}

const view = (mode: DegradedMode): DegradedModeView => ({
  enabled: mode.enabled,
  ...(mode.reason !== undefined ? { reason: mode.reason } : {}),
  ...(mode.changedBy !== undefined ? { changedBy: mode.changedBy } : {}),
  ...(mode.changedAt !== undefined ? { changedAt: mode.changedAt } : {}),
  defers: [...DEFERRED_WHEN_DEGRADED],
});

/** Reads the switch. */
export async function getDegradedMode(deps: { repository: Pick<FulfillmentRepository, 'getDegradedMode'> }): Promise<DegradedModeView> {
  return view(await deps.repository.getDegradedMode());
}

/** Sets the switch and records who, when and why in the audit trail. */
export async function setDegradedMode(
  deps: { repository: Pick<FulfillmentRepository, 'getDegradedMode' | 'putDegradedMode'>; audit: AuditLog; clock: Clock },
  command: { enabled: boolean; reason: string; principal: Principal; correlationId: string },
): Promise<DegradedModeView> {
  for (let attempt = 1; ; attempt++) {
    const current = await deps.repository.getDegradedMode();
    try {
      const next = await deps.repository.putDegradedMode(
        { enabled: command.enabled, reason: command.reason, changedBy: command.principal.userId, changedAt: deps.clock.now().toISOString() },
        current.version,
      );
      await deps.audit.record({
        actor: command.principal.userId,
        roles: command.principal.roles,
        action: 'fulfillment.degraded-mode.set',
        resource: { type: 'degraded-mode', id: 'fulfillment' },
        reason: command.reason,
        details: { enabled: command.enabled, previouslyEnabled: current.enabled },
        correlationId: command.correlationId,
      });
      return view(next);
    } catch (error) {
      if (!(error instanceof WriteConflict)) throw error;
      if (attempt >= 3) throw conflict('Degraded mode is being changed by someone else; retry.');
    }
  }
}
