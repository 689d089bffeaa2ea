/**
 * The suppliers use cases (SUP-1): ops put a supplier (created or replaced, audited first), read
 * one or the list with scorecard and tier, and record inbound deliveries with their inspection —
 * each delivery updates the scorecard and may trigger a status change (review, termination),
 * audited as a system action before it is written. A daily job suspends suppliers whose licence
 * expired (also audited as a system action). Ports are arguments.
 */
import type { AuditLog } from '../../shared/audit.ts';
import type { Principal } from '../../shared/auth.ts';
import type { Clock } from '../../shared/clock.ts';
import { badRequest, conflict, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { retry } from '../../shared/retry.ts';
import { addDelivery, EMPTY_SCORECARD, isLate, scorecard, tierOf, type InspectionResult, type Scorecard, type SupplierTier } from './domain/scorecard.ts';
import {
  chinaDay,
  expiredLicences,
  licenceTrigger,
  scorecardTrigger,
  SYSTEM_ACTORS,
  type AnnualReview,
  type Licence,
  type StatusTrigger,
  type SuppliedSku,
  type SupplierStatus,
} from './domain/supplier.ts';
import { SupplierWriteConflict, type DeliveryRecord, type SupplierRecord, type SupplierRepository } from './supplier-repository.ts';

/** The ports of the use cases. */
export interface SupplierDeps {
  readonly repository: SupplierRepository;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** A supplier as staff read it. */
export interface SupplierView extends Omit<SupplierRecord, 'counts'> {
  readonly scorecard: Scorecard;
  readonly tier: SupplierTier;
}

/** The view of a stored supplier. */
export function supplierView(record: SupplierRecord): SupplierView {
  const { counts, ...rest } = record;
  return { ...rest, scorecard: scorecard(counts), tier: tierOf(counts) };
}

/** How often a write that lost to a concurrent one is retried on a fresh read. */
const ATTEMPTS = 4;

/** Runs `attempt` again (fresh reads) while a concurrent write wins; then 409. */
function withRetries<T>(supplierId: string, attempt: () => Promise<T>): Promise<T> {
  return retry(attempt, {
    attempts: ATTEMPTS,
    retryable: (error) => error instanceof SupplierWriteConflict,
    exhausted: () => conflict(`Supplier ${supplierId} changed meanwhile; try again.`),
  });
}

/** What ops put. */
export interface SupplierInput {
  readonly name: string;
  readonly status?: SupplierStatus;
  readonly licences: readonly Licence[];
  readonly skus: readonly SuppliedSku[];
  readonly review?: AnnualReview;
}

/**
 * Creates or replaces the supplier's record (its scorecard is kept). A new supplier is `active`
 * unless told otherwise; a supplier cannot be made `active` or `under-review` while one of its
 * licences is expired (409). Audited before it takes effect (SEC-4).
 */
export async function putSupplier(
  deps: SupplierDeps,
  principal: Principal,
  supplierId: string,
  input: SupplierInput,
  correlationId: string,
): Promise<{ created: boolean; supplier: SupplierView }> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const today = chinaDay(now);
  let audited: string | undefined;
  return withRetries(supplierId, async () => {
    const current = await deps.repository.get(supplierId);
    const status = input.status ?? current?.status ?? 'active';
    const expired = expiredLicences(input.licences, today);
    if ((status === 'active' || status === 'under-review') && expired.length > 0) {
      throw conflict(
        `A supplier with an expired licence (${expired.map((l) => `${l.kind} valid until ${l.expiresOn}`).join(', ')}) cannot be ${status}; renew the licence or suspend the supplier.`,
      );
    }
    const statusChanged = current === undefined || current.status !== status;
    const next: SupplierRecord = {
      supplierId,
      name: input.name,
      status,
      statusReason: statusChanged ? 'staff' : current.statusReason,
      statusChangedAt: statusChanged ? at : current.statusChangedAt,
      licences: input.licences,
      skus: input.skus,
      ...(input.review ? { review: input.review } : {}),
      counts: current?.counts ?? EMPTY_SCORECARD,
      createdAt: current?.createdAt ?? at,
      updatedAt: at,
      updatedBy: principal.userId,
      version: (current?.version ?? 0) + 1,
    };
    const action = current ? 'supplier.update' : 'supplier.create';
    // Audited before it takes effect (SEC-4); once per request, even when the write is retried.
    if (audited !== action) {
      await deps.audit.record({
        actor: principal.userId,
        roles: principal.roles,
        action,
        resource: { type: 'supplier', id: supplierId },
        details: {
          status,
          ...(current && current.status !== status ? { previousStatus: current.status } : {}),
          licences: input.licences.length,
          skus: input.skus.length,
          coreSkus: input.skus.filter((s) => s.core).length,
        },
        correlationId,
      });
      audited = action;
    }
    await deps.repository.put(next, current?.version);
    return { created: current === undefined, supplier: supplierView(next) };
  });
}

/** One supplier with its latest deliveries; 404 when unknown. */
export async function getSupplier(deps: Pick<SupplierDeps, 'repository'>, supplierId: string, recent = 20): Promise<SupplierView & { recentDeliveries: DeliveryRecord[] }> {
  const record = await deps.repository.get(supplierId);
  if (!record) throw notFound(`No supplier ${supplierId}.`);
  return { ...supplierView(record), recentDeliveries: await deps.repository.recentDeliveries(supplierId, recent) };
}

/** A page of suppliers with scorecard and tier. */
export async function listSuppliers(deps: Pick<SupplierDeps, 'repository'>, query: { limit: number; cursor?: string; status?: SupplierStatus }) {
  const page = await deps.repository.list(query);
  return { items: page.items.map(supplierView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** An inbound delivery as ops record it. */
export interface DeliveryInput {
  readonly sku: string;
  readonly units: number;
  readonly promisedOn: string;
  readonly receivedOn: string;
  readonly inspection: InspectionResult;
}

const TRIGGER_ACTIONS: Record<StatusTrigger['to'], string> = {
  'under-review': 'supplier.flag-for-review',
  terminated: 'supplier.terminate',
  suspended: 'supplier.suspend',
  active: 'supplier.reactivate',
  blocklisted: 'supplier.blocklist',
};

/**
 * Records a delivery: the scorecard counts move, and a trigger may change the status (SUP-1: two
 * consecutive failed inspections → `terminated`; a delay rate above 15 % → `under-review`). The
 * staff action and any triggered change are audited before the one transaction that writes both.
 */
export async function recordDelivery(
  deps: SupplierDeps,
  principal: Principal,
  supplierId: string,
  input: DeliveryInput,
  correlationId: string,
): Promise<{ delivery: DeliveryRecord; supplier: SupplierView; triggered?: StatusTrigger }> {
  const now = deps.clock.now();
  const at = now.toISOString();
  if (input.receivedOn > chinaDay(now)) throw badRequest('receivedOn is in the future.', [{ path: 'body.receivedOn', message: 'After today (China time)' }]);
  const deliveryId = newId(now);
  const audited = new Set<string>();
  return withRetries(supplierId, async () => {
    const current = await deps.repository.get(supplierId);
    if (!current) throw notFound(`No supplier ${supplierId}.`);
    if (!current.skus.some((s) => s.sku === input.sku))
      throw badRequest(`Supplier ${supplierId} does not supply ${input.sku}.`, [{ path: 'body.sku', message: 'Not one of the supplier’s SKUs' }]);
    const counts = addDelivery(current.counts, input);
    const triggered = scorecardTrigger(current.status, counts);
    const delivery: DeliveryRecord = {
      deliveryId,
      supplierId,
      sku: input.sku,
      units: input.units,
      promisedOn: input.promisedOn,
      receivedOn: input.receivedOn,
      late: isLate(input),
      inspection: input.inspection,
      recordedAt: at,
      recordedBy: principal.userId,
    };
    const next: SupplierRecord = {
      ...current,
      counts,
      ...(triggered ? { status: triggered.to, statusReason: triggered.reason, statusChangedAt: at } : {}),
      updatedAt: at,
      updatedBy: principal.userId,
      version: current.version + 1,
    };
    if (!audited.has('delivery')) {
      await deps.audit.record({
        actor: principal.userId,
        roles: principal.roles,
        action: 'supplier.record-delivery',
        resource: { type: 'supplier', id: supplierId },
        details: { deliveryId, sku: input.sku, units: input.units, late: delivery.late, inspection: input.inspection },
        correlationId,
      });
      audited.add('delivery');
    }
    if (triggered && !audited.has(triggered.to)) {
      await deps.audit.record({
        actor: SYSTEM_ACTORS.scorecard,
        roles: [],
        action: TRIGGER_ACTIONS[triggered.to],
        resource: { type: 'supplier', id: supplierId },
        reason: triggered.reason,
        details: {
          previousStatus: current.status,
          deliveries: counts.deliveries,
          late: counts.late,
          consecutiveFailedInspections: counts.consecutiveFailedInspections,
          deliveryId,
        },
        correlationId,
      });
      audited.add(triggered.to);
    }
    await deps.repository.recordDelivery(delivery, next, current.version);
    return { delivery, supplier: supplierView(next), ...(triggered ? { triggered } : {}) };
  });
}

/**
 * The daily licence job: every supplier still trading (active, under review) with an expired
 * licence is suspended — audited as a system action before it is written. Returns the ids suspended.
 */
export async function suspendExpiredLicences(
  deps: SupplierDeps,
  options: { correlationId: string; shouldStop?: () => boolean; pageSize?: number },
): Promise<{ examined: number; suspended: string[]; complete: boolean }> {
  const now = deps.clock.now();
  const today = chinaDay(now);
  const suspended: string[] = [];
  let examined = 0;
  let cursor: string | undefined;
  do {
    if (options.shouldStop?.()) return { examined, suspended, complete: false };
    const page = await deps.repository.list({ limit: options.pageSize ?? 100, ...(cursor ? { cursor } : {}) });
    for (const listed of page.items) {
      examined++;
      if (!licenceTrigger(listed.status, listed.licences, today)) continue;
      let audited = false;
      const done = await withRetries(listed.supplierId, async () => {
        const current = await deps.repository.get(listed.supplierId);
        const trigger = current && licenceTrigger(current.status, current.licences, today);
        if (!current || !trigger) return false;
        if (!audited) {
          const expired = expiredLicences(current.licences, today);
          await deps.audit.record({
            actor: SYSTEM_ACTORS.licences,
            roles: [],
            action: TRIGGER_ACTIONS.suspended,
            resource: { type: 'supplier', id: current.supplierId },
            reason: trigger.reason,
            details: { previousStatus: current.status, expiredLicences: expired.map((l) => `${l.kind}:${l.expiresOn}`).join(','), today },
            correlationId: options.correlationId,
          });
          audited = true;
        }
        const at = now.toISOString();
        await deps.repository.put(
          { ...current, status: trigger.to, statusReason: trigger.reason, statusChangedAt: at, updatedAt: at, updatedBy: SYSTEM_ACTORS.licences, version: current.version + 1 },
          current.version,
        );
        return true;
      });
      if (done) suspended.push(listed.supplierId);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { examined, suspended, complete: true };
}
