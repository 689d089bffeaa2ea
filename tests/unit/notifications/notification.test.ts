/**
 * ORD-6, AFT-1, AFT-2: which event tells the customer what, under which natural key (so a
 * redelivery — or a second event about the same fact — meets the same key); how a notification goes
 * out (consent, channel, in-app only); masking of destinations.
 */
import { describe, expect, it } from 'vitest';
import {
  CustomerNotificationRequested,
  OrderCancelled,
  OrderDelivered,
  OrderPlaced,
  OrderShipped,
  OrderStatusChanged,
  PaymentRefunded,
  ReturnStatusChanged,
  TicketStatusChanged,
  type AnyEventDefinition,
} from '../../../events/index.ts';
import { deliveryPlan, isRequest, maskEmail, maskPhone, notificationFor, toE164, type NotifiableEvent } from '../../../functions/notifications/domain/notification.ts';

const meta = { correlationId: 'corr-1', occurredAt: '2026-11-23T08:00:00.000Z', eventId: 'evt-1' };
function event<D extends AnyEventDefinition>(definition: D, overrides: Record<string, unknown> = {}): NotifiableEvent {
  return { name: definition.name, detail: { ...definition.example, ...overrides, version: definition.version, meta } } as unknown as NotifiableEvent;
}
const keyOf = (e: NotifiableEvent) => {
  const r = notificationFor(e);
  return isRequest(r) ? r.key : `skip:${r.skip}`;
};
const orderId = OrderPlaced.example.orderId;

describe('event → notification (ORD-6, AFT-1, AFT-2)', () => {
  it('maps each customer-facing event to one template under a natural key', () => {
    expect(notificationFor(event(OrderPlaced))).toMatchObject({
      key: `order-confirmed#${orderId}`,
      customerId: 'alice',
      orderId,
      call: { id: 'order-confirmed', params: { orderId, total: OrderPlaced.example.total } },
      source: { event: 'OrderPlaced', eventId: 'evt-1' },
    });
    expect(keyOf(event(OrderStatusChanged, { to: 'REJECTED' }))).toBe(`order-rejected#${orderId}`);
    expect(keyOf(event(OrderCancelled))).toBe(`order-cancelled#${orderId}`);
    expect(notificationFor(event(OrderShipped, { shipmentIds: ['01JD7ZKE41V8Q4N6M5R9T0W1YH', '01JD7ZKE41V8Q4N6M5R9T0W1YJ'] }))).toMatchObject({
      key: `order-shipped#${orderId}`,
      call: { id: 'order-shipped', params: { parcels: 2 } },
    });
    expect(keyOf(event(OrderDelivered))).toBe(`order-delivered#${orderId}`);
    expect(notificationFor(event(PaymentRefunded))).toMatchObject({
      key: `refund-issued#${PaymentRefunded.example.refundId}`,
      call: { id: 'refund-issued', params: { amount: { amount: 5000, currency: 'CNY' } } },
    });
    expect(keyOf(event(ReturnStatusChanged, { status: 'PICKUP_BOOKED' }))).toBe(`return-pickup_booked#${ReturnStatusChanged.example.returnId}`);
    expect(keyOf(event(TicketStatusChanged))).toBe(`ticket-answered#${TicketStatusChanged.example.ticketId}#${TicketStatusChanged.example.changedAt}`);
    expect(keyOf(event(CustomerNotificationRequested))).toBe(`payment-failed#${CustomerNotificationRequested.example.notificationId}`);
    expect(keyOf(event(CustomerNotificationRequested, { template: 'delivery-late' }))).toBe(`delivery-late#${CustomerNotificationRequested.example.notificationId}`);
  });

  it('shipping and delivery events carry no customer id: the notifier takes it from the order', () => {
    const shipped = notificationFor(event(OrderShipped));
    expect(isRequest(shipped)).toBe(true);
    expect(shipped).not.toHaveProperty('customerId');
    expect(notificationFor(event(OrderDelivered))).not.toHaveProperty('customerId');
  });

  it('a fact told by two events meets on one key; the event not told is skipped with its reason', () => {
    // cancellation / rejection: whichever event says it
    expect(keyOf(event(CustomerNotificationRequested, { template: 'order-cancelled' }))).toBe(keyOf(event(OrderCancelled)));
    expect(keyOf(event(CustomerNotificationRequested, { template: 'order-rejected' }))).toBe(keyOf(event(OrderStatusChanged, { to: 'REJECTED' })));
    // payments' refund-issued request comes with PaymentRefunded, which carries the amount
    expect(keyOf(event(CustomerNotificationRequested, { template: 'refund-issued' }))).toBe('skip:told-by-another-event');
    expect(keyOf(event(ReturnStatusChanged, { status: 'REFUNDED' }))).toBe('skip:told-by-another-event');
  });

  it('internal transitions tell nothing', () => {
    for (const to of ['PLACED', 'IN_REVIEW', 'APPROVED', 'FULFILLING', 'SHIPPED', 'DELIVERED', 'PAYMENT_FAILED', 'CANCELLED'])
      expect(keyOf(event(OrderStatusChanged, { to }))).toBe('skip:not-customer-facing');
    for (const status of ['REQUESTED', 'IN_TRANSIT', 'CANCELLED']) expect(keyOf(event(ReturnStatusChanged, { status }))).toBe('skip:not-customer-facing');
    for (const status of ['CLOSED', 'ESCALATED']) expect(keyOf(event(TicketStatusChanged, { status }))).toBe('skip:not-customer-facing');
    expect(keyOf(event(CustomerNotificationRequested, { orderId: undefined }))).toBe('skip:no-order');
  });

  it('the same event delivered twice gives the same key; distinct facts distinct keys', () => {
    expect(keyOf(event(OrderPlaced))).toBe(keyOf(event(OrderPlaced)));
    expect(keyOf(event(TicketStatusChanged, { changedAt: '2026-11-26T11:00:00.000Z' }))).not.toBe(keyOf(event(TicketStatusChanged)));
    expect(keyOf(event(ReturnStatusChanged, { status: 'APPROVED' }))).not.toBe(keyOf(event(ReturnStatusChanged, { status: 'RECEIVED' })));
    expect(keyOf(event(CustomerNotificationRequested, { notificationId: '01JD7ZKD31V8Q4N6M5R9T0W1YZ' }))).not.toBe(keyOf(event(CustomerNotificationRequested)));
  });
});

describe('delivery plan', () => {
  const contact = { email: 'li.hua@example.cn', phone: '+86 138 0013 8000' };

  it('marketing without consent is suppressed; with consent it goes out', () => {
    expect(deliveryPlan({ template: 'promotions-digest', marketingConsent: false, contact })).toEqual({ action: 'suppress', reason: 'no-consent' });
    expect(deliveryPlan({ template: 'promotions-digest', marketingConsent: true, contact })).toEqual({ action: 'send', channel: 'email' });
  });

  it('transactional messages always go out, on the template’s channel or the other one', () => {
    expect(deliveryPlan({ template: 'order-confirmed', marketingConsent: false, contact })).toEqual({ action: 'send', channel: 'email' });
    expect(deliveryPlan({ template: 'order-shipped', marketingConsent: false, contact })).toEqual({ action: 'send', channel: 'sms' });
    expect(deliveryPlan({ template: 'order-shipped', marketingConsent: false, contact: { email: contact.email } })).toEqual({ action: 'send', channel: 'email' });
    expect(deliveryPlan({ template: 'order-confirmed', marketingConsent: false, contact: { phone: contact.phone } })).toEqual({ action: 'send', channel: 'sms' });
  });

  it('without an order, or without a usable contact, it is in-app only', () => {
    expect(deliveryPlan({ template: 'ticket-updated', marketingConsent: false, contact: undefined })).toEqual({ action: 'in-app', reason: 'no-order' });
    expect(deliveryPlan({ template: 'order-confirmed', marketingConsent: false, contact: {} })).toEqual({ action: 'in-app', reason: 'no-contact' });
    expect(deliveryPlan({ template: 'order-confirmed', marketingConsent: false, contact: { email: 'not-an-email', phone: '12' } })).toEqual({
      action: 'in-app',
      reason: 'no-contact',
    });
  });
});

describe('destinations', () => {
  it('masks emails and phones so that neither can be read back', () => {
    expect(maskEmail('li.hua.01abc@example.cn')).toBe('l***@example.cn');
    expect(maskEmail('nobody')).toBe('***');
    expect(maskPhone('+86 138 0013 8000')).toBe('138****8000');
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('+1 415 555 0100')).toBe('141****0100');
    expect(maskPhone('12345')).toBe('****45');
  });

  it('normalises phones to E.164 for SMS', () => {
    expect(toE164('+86 138 0013 8000')).toBe('+8613800138000');
    expect(toE164('138-0013-8000')).toBe('+8613800138000');
    expect(toE164('0044 20 7946 0000')).toBe('+442079460000');
    expect(toE164('010-1234')).toBeUndefined();
    expect(toE164('+0 123')).toBeUndefined();
  });
});
