/**
 * Plumbing shared by the payments use cases: their ports, the transition context, committing a
 * transition (one transaction, see payments-repository.ts) and publishing its events through the
 * outbox, and the retry-on-conflict loop every use case runs in (a concurrent writer — a
 * duplicate event, a webhook racing the synchronous answer — makes the write fail; the use case
 * re-reads and decides again, which usually finds the work already done).
 */
import { retry } from '../../shared/retry.ts';
import { outboxCatalog, publishOutbox } from '../../shared/outbox.ts';
import { CustomerNotificationRequested } from '../../events/customer-notification-requested.ts';
import { PaymentAuthorized, PaymentCaptured, PaymentFailed, PaymentPending, PaymentRefunded, PaymentVoided } from '../../events/payment-events.ts';
import { ProblemOrderRaised } from '../../events/problem-order-raised.ts';
import type { Clock } from '../../shared/clock.ts';
import { PAYMENT_TOKEN_SEAL } from '../../events/order-placed.ts';
import type { EventPublisher } from '../../shared/events.ts';
import type { FieldEncryptor } from '../../shared/field-encryption.ts';
import { logger } from '../../shared/observability.ts';
import { limitDay, roomFor, type PaymentLimits } from './domain/limits.ts';
import type { Payment, Transition, TransitionContext } from './domain/payment.ts';
import { PaymentWriteConflict, type LimitChange, type OutboxItem, type PaymentWrite, type PaymentsRepository, type StoredPayment } from './payments-repository.ts';
import type { PaymentProvider } from './provider/port.ts';

/** Ports every payments use case receives. */
export interface EngineDeps {
  readonly repo: PaymentsRepository;
  /** A publisher for a correlation id. */
  readonly publisher: (correlationId: string) => EventPublisher;
  readonly clock: Clock;
  readonly newId: () => string;
}

/** Ports of use cases that talk to the provider. */
export interface ProviderDeps extends EngineDeps {
  readonly provider: PaymentProvider;
}

/** Seals and opens payment tokens (provider tokens, stored encrypted and bound to their order). */
export interface TokenVault {
  seal(orderId: string, token: string): Promise<string>;
  open(orderId: string, sealed: string): Promise<string>;
}

/** A {@link TokenVault} over the kernel's field encryption, with OrderPlaced's seal (checkout seals, payments opens). */
export function fieldEncryptionVault(encryptor: FieldEncryptor): TokenVault {
  const context = (orderId: string) => ({ entity: PAYMENT_TOKEN_SEAL.entity, recordId: orderId, field: PAYMENT_TOKEN_SEAL.field });
  return {
    seal: (orderId, token) => encryptor.encrypt(context(orderId), token),
    open: (orderId, sealed) => encryptor.decrypt(context(orderId), sealed),
  };
}

/** The record cannot be processed yet (e.g. RiskApproved before OrderPlaced); fail it so the queue redelivers it later. */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
}

/** The transition context of now. */
export function transitionContext(deps: Pick<EngineDeps, 'clock' | 'newId'>, actor?: string): TransitionContext {
  return { now: deps.clock.now(), newId: deps.newId, actor };
}

/** The event types payments writes to its outbox (not the whole registry: every payments bundle carries this). */
const PAYMENTS_OUTBOX = /* @__PURE__ */ outboxCatalog('payments', [
  PaymentAuthorized,
  PaymentPending,
  PaymentFailed,
  PaymentCaptured,
  PaymentVoided,
  PaymentRefunded,
  CustomerNotificationRequested,
  ProblemOrderRaised,
]);

/**
 * Publishes an order's pending outbox items (oldest first), each claimed first so that concurrent
 * flushes do not publish it twice, and deleted once published. At-least-once: a flush that dies
 * after publishing leaves the item to be published again when its claim expires. An item another
 * publisher still holds (its committer, publishing it right now) is left to it without a write;
 * `own`, the item this invocation has just committed (written claimed for it), is published without
 * claiming it again.
 */
export async function flushOutbox(
  deps: EngineDeps,
  orderId: string,
  /** `listed`: the order's outbox as the caller just read it (an item deleted since fails its claim; one written since is held by its committer). */
  { listed, own }: { listed?: readonly OutboxItem[]; own?: OutboxItem } = {},
): Promise<number> {
  const pending = [...(listed ?? (await deps.repo.pendingOutbox(orderId)))];
  if (own && !pending.some((item) => item.outboxId === own.outboxId)) pending.push(own);
  const now = deps.clock.now().getTime();
  let published = 0;
  for (const item of pending.sort((a, b) => a.outboxId.localeCompare(b.outboxId))) {
    if (item.outboxId !== own?.outboxId) {
      if (item.claimedUntil !== undefined && item.claimedUntil > now) continue;
      if (!(await deps.repo.claimOutbox(orderId, item.outboxId))) continue;
    }
    published += await publishItem(deps, item);
  }
  return published;
}

/** Publishes an outbox item this invocation holds, then deletes it. */
function publishItem(deps: EngineDeps, item: OutboxItem): Promise<number> {
  return publishOutbox(PAYMENTS_OUTBOX, item, deps.publisher, () => deps.repo.deleteOutbox(item.orderId, item.outboxId), `outbox ${item.outboxId} of order ${item.orderId}`);
}

/** The limit counter change of a transition (conditional on the room left when it counts). */
export function limitChangeOf(payment: Payment, transition: Pick<Transition, 'limitDelta'>, limits: PaymentLimits | undefined): LimitChange | undefined {
  const delta = transition.limitDelta ?? 0;
  if (delta === 0 || !payment.limit) return undefined;
  const base = { customerId: payment.customerId, day: payment.limit.day, method: payment.method, delta };
  return delta > 0 && limits ? { ...base, ...roomFor(payment.method, delta, limits) } : base;
}

/** Commits a transition of a payment read at `expectedVersion`, then publishes its events. */
export async function commitTransition(
  deps: EngineDeps,
  transition: Transition,
  expectedVersion: number | null,
  extra: Omit<PaymentWrite, 'payment' | 'expectedVersion' | 'movements' | 'events'> & {
    limits?: PaymentLimits;
    /** The order's outbox as the caller read it with the payment (`paymentAndOutbox`): the flush publishes from it instead of querying again. */
    listedOutbox?: readonly OutboxItem[];
  } = {},
): Promise<void> {
  const { limits, listedOutbox, ...rest } = extra;
  const { outbox } = await deps.repo.commit({
    ...rest,
    payment: transition.payment,
    expectedVersion,
    movements: transition.movements,
    events: transition.events,
    limit: rest.limit ?? limitChangeOf(transition.payment, transition, limits),
    publishedByCommitter: true,
  });
  // Every pending item of the order, not only the one just written: payments has no outbox sweep, so
  // an item an earlier commit failed to publish goes out with the next commit of its order (once its
  // claim has expired) — from the caller's listing when it read the outbox with the payment (an item
  // written since is held by its own committer), else queried. The item just written is held by this
  // commit: published without a claim. If publishing fails the error propagates (the commit stands)
  // and the item waits out its claim.
  if (outbox) await flushOutbox(deps, transition.payment.orderId, { own: outbox, listed: listedOutbox });
}

/** Runs `attempt` (given its number, 1 first) again while it hits write conflicts (up to `maxAttempts`), after a short jittered wait. */
export function withConflictRetry<T>(what: string, attempt: (n: number) => Promise<T>, maxAttempts = 6): Promise<T> {
  return retry(attempt, {
    attempts: maxAttempts,
    retryable: (error) => error instanceof PaymentWriteConflict,
    backoff: { baseMs: 15, maxMs: 120 },
    onRetry: (error, n) => logger.debug('write conflict, retrying', { what, attempt: n, reason: (error as PaymentWriteConflict).reason }),
  });
}

/** The limit day of now. */
export function today(deps: Pick<EngineDeps, 'clock'>, limits: PaymentLimits): string {
  return limitDay(deps.clock.now(), limits.dayOffsetMinutes);
}

/** The payment of an order with our payment id, or with the provider's payment id. */
export async function findPayment(
  repo: PaymentsRepository,
  orderId: string,
  match: { readonly paymentId?: string; readonly providerPaymentId?: string },
): Promise<StoredPayment | undefined> {
  const payments = await repo.listPayments(orderId);
  return payments.find(
    (s) =>
      (match.paymentId !== undefined && s.payment.paymentId === match.paymentId) ||
      (match.providerPaymentId !== undefined && s.payment.providerPaymentId === match.providerPaymentId),
  );
}
