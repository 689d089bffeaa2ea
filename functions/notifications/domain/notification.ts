/**
 * Which event tells the customer what (the mapping documented in the capability's README), the
 * natural key that makes each of them one notification however often it is delivered, how a
 * notification goes out (channel, consent) and how a destination is masked. Pure.
 *
 * The natural key names the fact the customer hears about, not the message that carried it, so
 * two events describing the same fact meet on one key: an order is confirmed, rejected, cancelled,
 * shipped and delivered once (`<template>#<orderId>`), a refund is issued once (`#<refundId>`), a
 * return reaches each status once (`#<returnId>`), a ticket's transition is keyed by its time.
 * Notifications requested by `CustomerNotificationRequested` are keyed by its `notificationId`
 * (the producer writes it into its outbox once, so a redelivery or a republish carries the same).
 */
import type { CustomerNotificationRequested } from '../../../events/customer-notification-requested.ts';
import type { EventDetail } from '../../../events/event-definition.ts';
import type { OrderDelivered, OrderShipped } from '../../../events/fulfillment-events.ts';
import type { OrderCancelled } from '../../../events/order-cancelled.ts';
import type { OrderPlaced } from '../../../events/order-placed.ts';
import type { OrderStatusChanged } from '../../../events/order-status-changed.ts';
import type { PaymentRefunded } from '../../../events/payment-events.ts';
import type { ReturnStatusChanged } from '../../../events/return-events.ts';
import type { TicketStatusChanged } from '../../../events/ticket-events.ts';
import {
  NOTIFIED_RETURN_STATUSES,
  NOTIFIED_TICKET_STATUSES,
  preferredChannel,
  templateKind,
  type Channel,
  type NotifiedReturnStatus,
  type NotifiedTicketStatus,
  type TemplateCall,
  type TemplateId,
} from './templates.ts';

/** The events the notifier consumes, as the consumer hands them over. */
export type NotifiableEvent =
  | { readonly name: 'CustomerNotificationRequested'; readonly detail: EventDetail<typeof CustomerNotificationRequested> }
  | { readonly name: 'OrderPlaced'; readonly detail: EventDetail<typeof OrderPlaced> }
  | { readonly name: 'OrderStatusChanged'; readonly detail: EventDetail<typeof OrderStatusChanged> }
  | { readonly name: 'OrderCancelled'; readonly detail: EventDetail<typeof OrderCancelled> }
  | { readonly name: 'OrderShipped'; readonly detail: EventDetail<typeof OrderShipped> }
  | { readonly name: 'OrderDelivered'; readonly detail: EventDetail<typeof OrderDelivered> }
  | { readonly name: 'PaymentRefunded'; readonly detail: EventDetail<typeof PaymentRefunded> }
  | { readonly name: 'ReturnStatusChanged'; readonly detail: EventDetail<typeof ReturnStatusChanged> }
  | { readonly name: 'TicketStatusChanged'; readonly detail: EventDetail<typeof TicketStatusChanged> };

/** One notification to record (and send): its natural key, whom it is for and what it says. */
export interface NotificationRequest {
  /** The natural key: one notification per key, ever. */
  readonly key: string;
  /** Absent when the event does not say (OrderShipped, OrderDelivered): taken from the order. */
  readonly customerId?: string;
  readonly orderId?: string;
  readonly call: TemplateCall;
  /** The event that asked for it (name and event id), for support. */
  readonly source: { readonly event: string; readonly eventId: string };
}

/** An event the customer is not told about, and why (logged as a reason code). */
export interface Skipped {
  readonly skip: 'not-customer-facing' | 'told-by-another-event' | 'no-order';
}

const request = (event: NotifiableEvent, key: string, call: TemplateCall, ids: { customerId?: string; orderId?: string }): NotificationRequest => ({
  key,
  call,
  source: { event: event.name, eventId: event.detail.meta.eventId },
  ...(ids.customerId !== undefined ? { customerId: ids.customerId } : {}),
  ...(ids.orderId !== undefined ? { orderId: ids.orderId } : {}),
});

const isNotifiedReturnStatus = (status: string): status is NotifiedReturnStatus => (NOTIFIED_RETURN_STATUSES as readonly string[]).includes(status);
const isNotifiedTicketStatus = (status: string): status is NotifiedTicketStatus => (NOTIFIED_TICKET_STATUSES as readonly string[]).includes(status);

/** What an event tells the customer, or why it tells nothing (see the README's event table). */
export function notificationFor(event: NotifiableEvent): NotificationRequest | Skipped {
  switch (event.name) {
    case 'OrderPlaced': {
      const { orderId, customerId, total } = event.detail;
      return request(event, `order-confirmed#${orderId}`, { id: 'order-confirmed', params: { orderId, total } }, { customerId, orderId });
    }
    case 'OrderStatusChanged': {
      const { orderId, customerId, to } = event.detail;
      // Only a rejection: placement, cancellation, payment failure and shipping have events of their own.
      if (to !== 'REJECTED') return { skip: 'not-customer-facing' };
      return request(event, `order-rejected#${orderId}`, { id: 'order-rejected', params: { orderId } }, { customerId, orderId });
    }
    case 'OrderCancelled': {
      const { orderId, customerId } = event.detail;
      return request(event, `order-cancelled#${orderId}`, { id: 'order-cancelled', params: { orderId } }, { customerId, orderId });
    }
    case 'OrderShipped': {
      const { orderId, shipmentIds } = event.detail;
      return request(event, `order-shipped#${orderId}`, { id: 'order-shipped', params: { orderId, parcels: shipmentIds.length } }, { orderId });
    }
    case 'OrderDelivered': {
      const { orderId } = event.detail;
      return request(event, `order-delivered#${orderId}`, { id: 'order-delivered', params: { orderId } }, { orderId });
    }
    case 'PaymentRefunded': {
      const { orderId, customerId, refundId, amount } = event.detail;
      return request(event, `refund-issued#${refundId}`, { id: 'refund-issued', params: { orderId, amount } }, { customerId, orderId });
    }
    case 'ReturnStatusChanged': {
      const { returnId, orderId, customerId, status } = event.detail;
      // REFUNDED is told by PaymentRefunded (with the amount); the other statuses are the customer's own steps or internal.
      if (!isNotifiedReturnStatus(status)) return { skip: status === 'REFUNDED' ? 'told-by-another-event' : 'not-customer-facing' };
      return request(event, `return-${status.toLowerCase()}#${returnId}`, { id: 'return-updated', params: { orderId, returnId, status } }, { customerId, orderId });
    }
    case 'TicketStatusChanged': {
      const { ticketId, customerId, status, orderId, changedAt } = event.detail;
      if (!isNotifiedTicketStatus(status)) return { skip: 'not-customer-facing' };
      // A ticket may reach a status more than once (ANSWERED ⇄ WAITING_ON_CUSTOMER): each transition is keyed by its time.
      return request(
        event,
        `ticket-${status.toLowerCase()}#${ticketId}#${changedAt}`,
        { id: 'ticket-updated', params: { ticketId, status } },
        { customerId, ...(orderId ? { orderId } : {}) },
      );
    }
    case 'CustomerNotificationRequested': {
      const { notificationId, customerId, orderId, template } = event.detail;
      // payments sends refund-issued together with PaymentRefunded, which carries the amount: that one tells it.
      if (template === 'refund-issued') return { skip: 'told-by-another-event' };
      if (!orderId) return { skip: 'no-order' };
      // An order is rejected or cancelled once, whichever event says so.
      const key = template === 'order-rejected' || template === 'order-cancelled' ? `${template}#${orderId}` : `${template}#${notificationId}`;
      return request(event, key, { id: template, params: { orderId } }, { customerId, orderId });
    }
  }
}

/** True for a request, false for a skip. */
export function isRequest(value: NotificationRequest | Skipped): value is NotificationRequest {
  return 'key' in value;
}

/** A recipient's contact data, in clear, for the time of one send (never stored, logged or thrown). */
export interface Contact {
  readonly email?: string;
  readonly phone?: string;
}

/** How a notification goes out. */
export type DeliveryPlan =
  | { readonly action: 'suppress'; readonly reason: 'no-consent' }
  | { readonly action: 'in-app'; readonly reason: 'no-order' | 'no-contact' }
  | { readonly action: 'send'; readonly channel: Exclude<Channel, 'in-app'> };

/**
 * Marketing without consent is suppressed; without an order (no contact data) or without a usable
 * contact it is an in-app notification only; otherwise the template's channel, or the other one
 * when the order has no contact of that kind.
 */
export function deliveryPlan(input: { readonly template: TemplateId; readonly marketingConsent: boolean; readonly contact: Contact | undefined }): DeliveryPlan {
  if (templateKind(input.template) === 'marketing' && !input.marketingConsent) return { action: 'suppress', reason: 'no-consent' };
  if (!input.contact) return { action: 'in-app', reason: 'no-order' };
  const available = {
    email: input.contact.email !== undefined && isEmail(input.contact.email),
    sms: input.contact.phone !== undefined && toE164(input.contact.phone) !== undefined,
  };
  const preferred = preferredChannel(input.template);
  const other = preferred === 'email' ? 'sms' : 'email';
  if (available[preferred]) return { action: 'send', channel: preferred };
  if (available[other]) return { action: 'send', channel: other };
  return { action: 'in-app', reason: 'no-contact' };
}

function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
}

/** A phone number in E.164 for SMS (`+8613800138000`); mainland mobiles may be written without `+86`. Undefined when it cannot be one. */
export function toE164(phone: string): string | undefined {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return /^[1-9]\d{6,14}$/.test(digits) ? `+${digits}` : undefined;
  if (digits.startsWith('00')) return /^[1-9]\d{6,14}$/.test(digits.slice(2)) ? `+${digits.slice(2)}` : undefined;
  if (/^1[3-9]\d{9}$/.test(digits)) return `+86${digits}`;
  return undefined;
}

/** An email as it may be stored and shown: first character of the local part and the domain, `l***@example.cn`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email.charAt(0)}***${email.slice(at)}`;
}

/** A phone as it may be stored and shown: the national number's first three and last four digits, `138****8000`. */
export function maskPhone(phone: string): string {
  let digits = phone.replace(/\D/g, '');
  if (phone.trim().startsWith('+86') || (digits.length === 13 && digits.startsWith('86'))) digits = digits.slice(2);
  if (digits.length >= 8) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return `****${digits.slice(-2)}`;
}

/** The masked destination of a channel. */
export function maskDestination(channel: Exclude<Channel, 'in-app'>, destination: string): string {
  return channel === 'email' ? maskEmail(destination) : maskPhone(destination);
}
