/**
 * Use cases (RISK-2, SEC-4): staff maintain the blocklists — keyed hashes of emails, phones,
 * addresses and IPs (as they appear in `OrderPlaced.riskSignals` and in assessments), device ids,
 * payment fingerprints and email domains. Every change is audited; values are pseudonymous.
 */
import type { AuditLog } from '../../shared/audit.ts';
import type { Clock } from '../../shared/clock.ts';
import { conflict, invalidFields, notFound } from '../../shared/errors.ts';
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
    const expected =
      kind === 'device' ? 'a device id (1–128 printable characters)' : kind === 'emailDomain' ? 'a domain name like mailinator.com' : 'a keyed hash (64 lower-case hex characters)';
    throw invalidFields([{ path: 'path.value', message: `Must be ${expected}` }]);
  }
  return value;
}

/** Ports of the blocklist use cases. */
export interface BlocklistDeps {
  readonly signals: Pick<SignalStore, 'putBlocklistEntry' | 'getBlocklistEntry' | 'requestBlocklistRemoval' | 'deleteRequestedBlocklistEntry'>;
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
  await audit(deps, ctx, 'risk.blocklist.add', kind, value); // SEC-4: before it takes effect
  await deps.signals.putBlocklistEntry(entry);
  return { created: true, entry };
}

/** What a removal request did: waiting for a second risk analyst, or removed. */
export type RemovalResult = { readonly outcome: 'pending'; readonly entry: BlocklistEntry } | { readonly outcome: 'removed' };

/**
 * Removes a value from a blocklist (RISK-7: like a rule change, it needs a second risk analyst).
 * The first request marks the entry (pending; the value stays blocked); the same request again is
 * answered the same way; a request by another analyst removes it. 404 when the value is not there.
 * Each step is audited before it takes effect (SEC-4).
 */
export async function removeFromBlocklist(deps: BlocklistDeps, ctx: StaffContext, kind: BlocklistKind, rawValue: string): Promise<RemovalResult> {
  const value = blocklistValue(kind, rawValue);
  const entry = await deps.signals.getBlocklistEntry(kind, value);
  if (!entry) throw notFound('That value is not on the blocklist.');
  const me = ctx.principal.userId;
  if (entry.removalRequest?.by === me) return { outcome: 'pending', entry };
  if (!entry.removalRequest) {
    await audit(deps, ctx, 'risk.blocklist.request-removal', kind, value);
    const marked = await deps.signals.requestBlocklistRemoval(kind, value, { by: me, at: deps.clock.now().toISOString(), reason: ctx.reason });
    if (marked) return { outcome: 'pending', entry: marked };
    // Someone else asked (or removed it) at the same moment: decide on what is there now.
    return removeFromBlocklist(deps, ctx, kind, rawValue);
  }
  await audit(deps, ctx, 'risk.blocklist.remove', kind, value);
  const removed = await deps.signals.deleteRequestedBlocklistEntry(kind, value, me);
  if (!removed) {
    if (!(await deps.signals.getBlocklistEntry(kind, value))) throw notFound('That value is not on the blocklist.');
    throw conflict('The removal request changed meanwhile; look at the entry and try again.');
  }
  return { outcome: 'removed' };
}
