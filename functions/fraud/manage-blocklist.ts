/**
 * Use cases (RISK-2, SEC-4): staff maintain the blocklists — keyed hashes of emails, phones,
 * addresses and IPs (as they appear in `OrderPlaced.riskSignals` and in assessments), device ids,
 * payment fingerprints and email domains. Every change is audited; values are pseudonymous.
 */
import type { AuditLog } from '../../shared/audit.ts';
import type { Clock } from '../../shared/clock.ts';
import { invalidFields, notFound } from '../../shared/errors.ts';
import type { StaffContext } from './manage-rules.ts';
import type { BlocklistEntry, BlocklistKind, SignalStore } from './signal-store.ts';

const HASH = /^[0-9a-f]{64}$/;
const DEVICE = /^[\x21-\x7e]{1,128}$/;
const DOMAIN = /^(?=.{3,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

/** The value normalised for its kind, or a 400 problem. */
export function blocklistValue(kind: BlocklistKind, raw: string): string {
  const value = kind === 'emailDomain' ? raw.trim().toLowerCase().replace(/\.$/, '') : raw;
  const ok = kind === 'device' ? DEVICE.test(value) : kind === 'emailDomain' ? DOMAIN.test(value) : HASH.test(value);
  if (!ok) {
    const expected = kind === 'device' ? 'a device id (1–128 printable characters)' : kind === 'emailDomain' ? 'a domain name like mailinator.com' : 'a keyed hash (64 lower-case hex characters)';
    throw invalidFields([{ path: 'path.value', message: `Must be ${expected}` }]);
  }
  return value;
}

/** Ports of the blocklist use cases. */
export interface BlocklistDeps {
  readonly signals: Pick<SignalStore, 'putBlocklistEntry' | 'deleteBlocklistEntry' | 'getBlocklistEntry'>;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

async function audit(deps: BlocklistDeps, ctx: StaffContext, action: string, kind: BlocklistKind, value: string) {
  await deps.audit.record({
    actor: ctx.principal.userId,
    roles: ctx.principal.roles,
    action,
    resource: { type: 'risk-blocklist', id: `${kind}:${value}` },
    reason: ctx.reason,
    ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}),
  });
}

/** Adds a value to a blocklist (idempotent: the same value again keeps the first entry). */
export async function addToBlocklist(deps: BlocklistDeps, ctx: StaffContext, kind: BlocklistKind, rawValue: string): Promise<{ created: boolean; entry: BlocklistEntry }> {
  const value = blocklistValue(kind, rawValue);
  const existing = await deps.signals.getBlocklistEntry(kind, value);
  if (existing) return { created: false, entry: existing };
  const entry: BlocklistEntry = { kind, value, reason: ctx.reason, addedBy: ctx.principal.userId, addedAt: deps.clock.now().toISOString() };
  await deps.signals.putBlocklistEntry(entry);
  await audit(deps, ctx, 'risk.blocklist.add', kind, value);
  return { created: true, entry };
}

/** Removes a value from a blocklist (404 when it is not there). */
export async function removeFromBlocklist(deps: BlocklistDeps, ctx: StaffContext, kind: BlocklistKind, rawValue: string): Promise<void> {
  const value = blocklistValue(kind, rawValue);
  const removed = await deps.signals.deleteBlocklistEntry(kind, value);
  if (!removed) throw notFound('That value is not on the blocklist.');
  await audit(deps, ctx, 'risk.blocklist.remove', kind, value);
}
