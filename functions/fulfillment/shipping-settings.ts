/**
 * Use cases: ops set the carrier rules (FUL-2) and the delivery time limits (FUL-3) without a
 * deploy (`GET /admin/settings/shipping`, `PUT /admin/settings/shipping`).
 *
 * - Until ops first change them, the configured ones apply (`CARRIER_RULES`,
 *   `DELIVERY_TIME_LIMITS`, else the defaults in domain/); the view says which (`source`).
 * - A change replaces the rules, the limits or both (what is left out stays), is validated (every
 *   carrier it names must be one the platform can book; rule ids unique; weight and value bounds
 *   ordered) and audited before it is written (SEC-4: who, why, how many rules, the default carrier).
 *   Sending the settings in force again changes nothing.
 * - Allocation reads them through {@link cachedShippingSettings}: a change applies to orders
 *   allocated after at most `ttlMs` (allocation: 10 s); shipments already created keep their carrier
 *   and due time.
 */
import type { AuditLog } from '../../shared/audit.ts';
import { canonicalJson } from '../../shared/canonical-json.ts';
import { cachedFor } from '../../shared/cache.ts';
import type { Principal } from '../../shared/auth.ts';
import type { Clock } from '../../shared/clock.ts';
import { conflict, invalidFields, type ProblemFieldError } from '../../shared/errors.ts';
import type { CarrierRules } from './domain/carrier-rules.ts';
import type { DeliveryTimeLimits } from './domain/time-limits.ts';
import { WriteConflict, type FulfillmentRepository, type StoredShippingSettings } from './fulfillment-repository.ts';

/** The settings in force. */
export interface ShippingSettings {
  readonly carrierRules: CarrierRules;
  readonly deliveryTimeLimits: DeliveryTimeLimits;
}

/** The settings as the API shows them. */
export interface ShippingSettingsView extends ShippingSettings {
  /** `stored`: set by ops through the API; `configured`: the deployment's settings (never changed yet). */
  readonly source: 'stored' | 'configured';
  readonly version: number;
  readonly changedBy?: string;
  readonly changedAt?: string;
  readonly reason?: string;
}

/** Ports and settings. */
export interface ShippingSettingsDeps {
  readonly repository: Pick<FulfillmentRepository, 'getShippingSettings' | 'putShippingSettings'>;
  /** The deployment's settings, in force until ops store their own. */
  readonly configured: ShippingSettings;
  /** Carriers the platform can book (a rule naming another could never ship). */
  readonly carriers: readonly string[];
}

function viewOf(stored: StoredShippingSettings | undefined, configured: ShippingSettings): ShippingSettingsView {
  if (!stored) return { ...configured, source: 'configured', version: 0 };
  return {
    carrierRules: stored.carrierRules,
    deliveryTimeLimits: stored.deliveryTimeLimits,
    source: 'stored',
    version: stored.version,
    changedBy: stored.changedBy,
    changedAt: stored.changedAt,
    reason: stored.reason,
  };
}

/** The settings in force. */
export async function getShippingSettings(deps: Pick<ShippingSettingsDeps, 'repository' | 'configured'>): Promise<ShippingSettingsView> {
  return viewOf(await deps.repository.getShippingSettings(), deps.configured);
}

/** What is wrong with `settings` (paths under `body.`), empty when acceptable. */
export function shippingSettingsIssues(settings: ShippingSettings, carriers: readonly string[]): ProblemFieldError[] {
  const issues: ProblemFieldError[] = [];
  const known = new Set(carriers);
  const unknown = (path: string, carrier: string) => (known.has(carrier) ? [] : [{ path, message: `Unknown carrier ${carrier}; one of: ${carriers.join(', ')}` }]);
  const { rules, defaultCarrier } = settings.carrierRules;
  issues.push(...unknown('body.carrierRules.defaultCarrier', defaultCarrier));
  const ids = new Set<string>();
  rules.forEach((rule, i) => {
    issues.push(...unknown(`body.carrierRules.rules[${i}].carrier`, rule.carrier));
    if (ids.has(rule.id)) issues.push({ path: `body.carrierRules.rules[${i}].id`, message: 'Rule ids must be unique' });
    ids.add(rule.id);
    const w = rule.when;
    if (w.minWeightGrams !== undefined && w.maxWeightGrams !== undefined && w.minWeightGrams > w.maxWeightGrams)
      issues.push({ path: `body.carrierRules.rules[${i}].when.maxWeightGrams`, message: 'Must not be below minWeightGrams' });
    if (w.minValueMinor !== undefined && w.maxValueMinor !== undefined && w.minValueMinor > w.maxValueMinor)
      issues.push({ path: `body.carrierRules.rules[${i}].when.maxValueMinor`, message: 'Must not be below minValueMinor' });
  });
  for (const carrier of Object.keys(settings.deliveryTimeLimits.carriers)) issues.push(...unknown(`body.deliveryTimeLimits.carriers.${carrier}`, carrier));
  return issues;
}

/** Replaces the carrier rules and/or the delivery time limits (see the module documentation). */
export async function putShippingSettings(
  deps: ShippingSettingsDeps & { audit: AuditLog; clock: Clock },
  command: { carrierRules?: CarrierRules; deliveryTimeLimits?: DeliveryTimeLimits; reason: string; principal: Principal; correlationId: string },
): Promise<{ view: ShippingSettingsView; outcome: 'updated' | 'unchanged' }> {
  for (let attempt = 1; ; attempt++) {
    const stored = await deps.repository.getShippingSettings();
    const current = viewOf(stored, deps.configured);
    const next: ShippingSettings = { carrierRules: command.carrierRules ?? current.carrierRules, deliveryTimeLimits: command.deliveryTimeLimits ?? current.deliveryTimeLimits };
    const issues = shippingSettingsIssues(next, deps.carriers);
    if (issues.length > 0) throw invalidFields(issues);
    if (canonicalJson(next) === canonicalJson({ carrierRules: current.carrierRules, deliveryTimeLimits: current.deliveryTimeLimits }))
      return { view: current, outcome: 'unchanged' };
    await deps.audit.record({
      actor: command.principal.userId,
      roles: command.principal.roles,
      action: 'fulfillment.shipping-settings.set',
      resource: { type: 'shipping-settings', id: 'fulfillment' },
      reason: command.reason,
      details: {
        rules: next.carrierRules.rules.length,
        defaultCarrier: next.carrierRules.defaultCarrier,
        defaultHours: next.deliveryTimeLimits.defaultHours,
        previousVersion: current.version,
      },
      correlationId: command.correlationId,
    });
    try {
      const written = await deps.repository.putShippingSettings(
        { ...next, reason: command.reason, changedBy: command.principal.userId, changedAt: deps.clock.now().toISOString() },
        stored?.version ?? 0,
      );
      return { view: viewOf(written, deps.configured), outcome: 'updated' };
    } catch (error) {
      if (!(error instanceof WriteConflict)) throw error;
      if (attempt >= 3) throw conflict('The shipping settings are being changed by someone else; read them again and retry.');
    }
  }
}

/** The settings in force for allocation, read at most every `ttlMs` per container (a failed read is not cached). */
export function cachedShippingSettings(load: () => Promise<ShippingSettingsView>, ttlMs: number, now: () => number = Date.now): () => Promise<ShippingSettings> {
  const get = cachedFor(load, ttlMs, now);
  return () => get();
}
