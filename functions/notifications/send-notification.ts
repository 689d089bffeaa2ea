/**
 * Sends one notification exactly once (ORD-6, AFT-1, AFT-2): a request (from notificationFor) is
 * claimed under its natural key (notifications-repository.ts), its recipient's contact read just in
 * time through checkout's contact contract (before the claim only when the request does not name
 * its customer), then it is suppressed (marketing without consent),
 * recorded in-app only (no order, or no usable contact), or rendered and sent through the provider
 * port and marked SENT. A failed send releases the claim and fails the record, so the queue retries
 * it (and after its retries, the DLQ); a redelivery of a sent one sends nothing.
 *
 * Contact data in clear lives only in this call: it is not logged, not stored (the record keeps
 * the destination masked) and not put in errors.
 */
import type { Clock } from '../../shared/clock.ts';
import { deliveryPlan, maskDestination, toE164, type Contact, type NotificationRequest } from './domain/notification.ts';
import { localeFor, render, templateKind, type Links } from './domain/templates.ts';
import type { NotificationRecord, NotificationsRepository } from './notifications-repository.ts';
import type { NotificationProvider } from './providers/provider.ts';

/** What the notifier needs to know about an order (checkout's contact contract). */
export interface RecipientContact extends Contact {
  readonly customerId: string;
  readonly shippingCountry?: string;
}

/** Ports of the use case. */
export interface SendNotificationDeps {
  readonly repository: Pick<NotificationsRepository, 'get' | 'claim' | 'complete' | 'release'>;
  /** The order's contact, decrypted just in time; undefined when there is no such order. */
  readonly contactOf: (orderId: string) => Promise<RecipientContact | undefined>;
  /** Whether the customer consented to marketing (the privacy capability; until it exists, nobody has). */
  readonly marketingConsent: (customerId: string) => Promise<boolean>;
  readonly provider: NotificationProvider;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly links: Links;
  /** How long a delivery holds a claim. */
  readonly claimSeconds: number;
}

/** What happened (ids and codes only: safe to log). */
export type SendOutcome =
  | { readonly outcome: 'sent'; readonly notificationId: string; readonly channel: 'email' | 'sms' | 'in-app'; readonly reason?: string }
  | { readonly outcome: 'suppressed'; readonly notificationId: string; readonly reason: string }
  | { readonly outcome: 'duplicate'; readonly notificationId: string; readonly status: string }
  | { readonly outcome: 'skipped'; readonly reason: 'no-customer' };

/** Another delivery of the same notification holds its claim right now: try again later. */
export class NotificationBusyError extends Error {
  override readonly name = 'NotificationBusyError';
}

const duplicate = (record: NotificationRecord): SendOutcome => ({ outcome: 'duplicate', notificationId: record.notificationId, status: record.status });

/** See the module documentation. */
export async function sendNotification(deps: SendNotificationDeps, request: NotificationRequest): Promise<SendOutcome> {
  // A request that names its customer is claimed before anything is read (a duplicate costs the one
  // refused claim); one that does not takes its customer from the order's contact, which is only
  // decrypted for a notification not already sent.
  let contact: RecipientContact | undefined;
  if (request.customerId === undefined) {
    const existing = await deps.repository.get(request.key);
    if (existing && existing.status !== 'PENDING') return duplicate(existing);
    contact = request.orderId ? await deps.contactOf(request.orderId) : undefined;
  }
  const customerId = request.customerId ?? contact?.customerId;
  if (!customerId) return { outcome: 'skipped', reason: 'no-customer' };

  const now = deps.clock.now();
  const kind = templateKind(request.call.id);
  const claim = await deps.repository.claim(
    {
      notificationId: deps.newId(),
      key: request.key,
      customerId,
      ...(request.orderId ? { orderId: request.orderId } : {}),
      template: request.call.id,
      kind,
      sourceEvent: request.source.event,
      sourceEventId: request.source.eventId,
    },
    now,
    new Date(now.getTime() + deps.claimSeconds * 1000),
  );
  if (!claim.claimed) {
    if (claim.record && claim.record.status !== 'PENDING') return duplicate(claim.record);
    throw new NotificationBusyError(`notification ${request.key.split('#')[0] ?? ''} is being sent by another delivery`);
  }
  const { notificationId } = claim.record;
  // A step of a claimed notification that fails gives the claim up (the error's name only), so the
  // queue's retry does the work again at once instead of waiting for the claim to lapse.
  const released = async <T>(step: () => Promise<T>): Promise<T> => {
    try {
      return await step();
    } catch (error) {
      await deps.repository.release(request.key, error instanceof Error ? error.name : 'Error', deps.clock.now());
      throw error;
    }
  };
  const { orderId } = request;
  if (request.customerId !== undefined && orderId) contact = await released(() => deps.contactOf(orderId));

  const plan = deliveryPlan({
    template: request.call.id,
    marketingConsent: kind === 'marketing' ? await released(() => deps.marketingConsent(customerId)) : false,
    contact: orderId ? contact : undefined,
  });
  if (plan.action === 'suppress') {
    await deps.repository.complete(request.key, { status: 'SUPPRESSED', reason: plan.reason }, deps.clock.now());
    return { outcome: 'suppressed', notificationId, reason: plan.reason };
  }
  const locale = localeFor(contact?.shippingCountry);
  const message = render(request.call, locale, deps.links);
  if (plan.action === 'in-app') {
    await deps.repository.complete(
      request.key,
      { status: 'SENT', channel: 'in-app', locale, subject: message.subject, body: message.body, reason: plan.reason, provider: 'in-app' },
      deps.clock.now(),
    );
    return { outcome: 'sent', notificationId, channel: 'in-app', reason: plan.reason };
  }

  const to = plan.channel === 'email' ? (contact?.email?.trim() as string) : (toE164(contact?.phone ?? '') as string);
  const maskedTo = maskDestination(plan.channel, to);
  const body = plan.channel === 'email' ? message.body : message.sms;
  const sent = await released(() => deps.provider.send({ notificationId, customerId, channel: plan.channel, to, maskedTo, locale, subject: message.subject, body }));
  await deps.repository.complete(
    request.key,
    {
      status: 'SENT',
      channel: plan.channel,
      locale,
      destination: maskedTo,
      subject: message.subject,
      body,
      provider: deps.provider.providerFor(plan.channel),
      providerMessageId: sent.messageId,
    },
    deps.clock.now(),
  );
  return { outcome: 'sent', notificationId, channel: plan.channel };
}
