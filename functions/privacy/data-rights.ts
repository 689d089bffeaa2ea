/**
 * The customer's data rights (SEC-3): erasure by crypto-shredding (`DELETE /me`), the data export
 * (`GET /me/data`), and the retention job that removes completed orders' personal data (CMP-2).
 *
 * **Erasure** — idempotent (a second call returns the same request), audited before it takes
 * effect (SEC-4), and done in one invocation:
 * 1. the customer's key record is destroyed (shared/customer-keys.ts): from that moment every
 *    ciphertext of the customer — in every table, in backups and point-in-time recovery, in the
 *    event archive, queues and idempotency records — is unreadable to any container that has not
 *    cached the key, and to every container 30 seconds later (the keyring's cache age: the bound
 *    "done in seconds" means);
 * 2. the personal attributes are removed from the customer's orders (orders stay for the books:
 *    amounts, SKUs, dates) and their tickets' text is overwritten;
 * 3. the customer's sign-in is disabled (Cognito `AdminDisableUser`).
 * The request is `ERASING` until all of it is done, then `ERASED` with its duration. A failure
 * part-way leaves it `ERASING`; the next `DELETE /me` runs the (idempotent) steps again.
 *
 * **Export** — everything held about the caller, decrypted, in one document; recorded as a request.
 * An erased customer's export has nothing personal (their ciphertexts no longer open).
 */
import { mapLimited } from '../../shared/concurrency.ts';
import type { AuditLog } from '../../shared/audit.ts';
import type { Principal } from '../../shared/auth.ts';
import type { Clock } from '../../shared/clock.ts';
import type { CustomerKeyStore } from '../../shared/customer-keys.ts';
import { readConsents, type ConsentView } from './consents.ts';
import type { ConsentStore } from './consent-store.ts';
import type { PrivacyRequest, PrivacyRequestStore } from './privacy-requests.ts';

/** What erasure needs. */
export interface ErasureDeps {
  readonly requests: PrivacyRequestStore;
  readonly audit: AuditLog;
  readonly keys: Pick<CustomerKeyStore, 'erase'>;
  /** Removes the personal data of the customer's orders; their ids. */
  readonly eraseOrders: (customerId: string, at: string) => Promise<readonly string[]>;
  /** Overwrites the text of the customer's tickets; how many. */
  readonly eraseTickets: (customerId: string) => Promise<number>;
  /** Disables the customer's sign-in. */
  readonly disableSignIn: (customerId: string) => Promise<void>;
  readonly clock: Clock;
  readonly newId: () => string;
}

/** Erases the caller's personal data; the request (the existing one on a repeated call). */
export async function eraseCustomer(deps: ErasureDeps, input: { readonly principal: Principal; readonly correlationId: string }): Promise<PrivacyRequest> {
  const customerId = input.principal.userId;
  let request = await deps.requests.erasureOf(customerId);
  if (request?.status === 'ERASED') return request;
  if (!request) {
    const created: PrivacyRequest = { requestId: deps.newId(), kind: 'ERASURE', customerId, status: 'ERASING', requestedAt: deps.clock.now().toISOString() };
    // SEC-4: audited before it takes effect.
    await deps.audit.record({
      actor: customerId,
      roles: input.principal.roles,
      action: 'customer.erase',
      resource: { type: 'customer', id: customerId },
      reason: 'data-subject erasure request (DELETE /me)',
      details: { requestId: created.requestId },
      correlationId: input.correlationId,
    });
    if (await deps.requests.create(created)) {
      request = created;
    } else {
      request = await deps.requests.erasureOf(customerId);
      if (!request) throw new Error('The erasure request vanished after a concurrent create.');
      if (request.status === 'ERASED') return request;
    }
  }
  const at = deps.clock.now().toISOString();
  await deps.keys.erase(customerId, at);
  await deps.eraseOrders(customerId, at);
  await deps.eraseTickets(customerId);
  await deps.disableSignIn(customerId);
  return deps.requests.complete(request, 'ERASED', deps.clock.now().toISOString());
}

/** What the export reads. */
export interface ExportDeps {
  readonly requests: PrivacyRequestStore;
  readonly consents: ConsentStore;
  readonly orders: (customerId: string) => Promise<readonly unknown[]>;
  readonly returns: (customerId: string) => Promise<readonly unknown[]>;
  readonly tickets: (customerId: string) => Promise<readonly unknown[]>;
  readonly clock: Clock;
  readonly newId: () => string;
}

/** The data export: one JSON document. */
export interface DataExport {
  readonly requestId: string;
  readonly generatedAt: string;
  readonly profile: { readonly customerId: string; readonly erasedAt?: string };
  readonly consents: ConsentView;
  readonly orders: readonly unknown[];
  readonly returns: readonly unknown[];
  readonly tickets: readonly unknown[];
}

/** Everything held about the caller, decrypted; recorded as an EXPORT request. */
export async function exportCustomerData(deps: ExportDeps, input: { readonly principal: Principal }): Promise<DataExport> {
  const customerId = input.principal.userId;
  const request: PrivacyRequest = { requestId: deps.newId(), kind: 'EXPORT', customerId, status: 'EXPORTED', requestedAt: deps.clock.now().toISOString() };
  await deps.requests.create(request);
  const [erasure, consents, orders, returns, tickets] = await Promise.all([
    deps.requests.erasureOf(customerId),
    readConsents({ store: deps.consents }, customerId),
    deps.orders(customerId),
    deps.returns(customerId),
    deps.tickets(customerId),
  ]);
  const generatedAt = deps.clock.now().toISOString();
  await deps.requests.complete(request, 'EXPORTED', generatedAt);
  return { requestId: request.requestId, generatedAt, profile: { customerId, ...(erasure ? { erasedAt: erasure.requestedAt } : {}) }, consents, orders, returns, tickets };
}

/** Orders whose personal data is removed at once (each removal is one conditional write). */
const REMOVAL_CONCURRENCY = 10;

/** What the retention job needs. */
export interface RetentionDeps {
  readonly dueOrders: (now: Date, retentionDays: number) => Promise<readonly string[]>;
  readonly removePersonalData: (orderId: string, at: string) => Promise<boolean>;
  readonly retentionDays: number;
  readonly clock: Clock;
}

/** CMP-2: removes the personal data of every order completed more than the retention period ago; how many. */
export async function shredExpiredPersonalData(deps: RetentionDeps): Promise<{ readonly shredded: number }> {
  const now = deps.clock.now();
  const due = await deps.dueOrders(now, deps.retentionDays);
  const removed = await mapLimited(due, REMOVAL_CONCURRENCY, (orderId) => deps.removePersonalData(orderId, now.toISOString()));
  return { shredded: removed.filter(Boolean).length };
}
