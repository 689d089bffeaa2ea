/**
 * Notifications end to end through the local cloud (ORD-6, AFT-2, SEC-2): a real order placed over
 * HTTP produces its confirmation — through checkout's OrderPlaced, the bus, the notification queue
 * and the sandbox provider — in `GET /admin/notifications?customerId=`, exactly once, in Chinese,
 * to the masked contact email; a ticket event without an order delivered twice is one in-app
 * notification; the route needs a staff role and the customer id.
 */
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { TicketStatusChanged } from '../../../events/ticket-events.ts';
import { api, poll, putEvent, tokenFor } from '../../support/e2e.ts';
import { customerToken, orderBody, postOrder, productWithStock } from '../checkout/support.ts';

type Notification = {
  notificationId: string;
  template: string;
  status: string;
  channel?: string;
  destination?: string;
  subject?: string;
  body?: string;
  locale?: string;
  provider?: string;
  orderId?: string;
  reason?: string;
};

let agentToken: Promise<string> | undefined;
const agent = () => (agentToken ??= tokenFor('e2e-notifications-agent', ['cs-agent']));

async function notificationsOf(customerId: string): Promise<Notification[]> {
  const res = await api(`/admin/notifications?customerId=${encodeURIComponent(customerId)}`, { token: await agent() });
  expect(res.status, res.text).toBe(200);
  return res.json.items as Notification[];
}

describe('notifications through the local cloud (ORD-6, AFT-2)', () => {
  it('a placed order gets its confirmation, once, to the masked contact email', async () => {
    const sku = await productWithStock({ 'WH-EAST': 3 });
    const customerId = `e2e-notify-${ulid()}`;
    const body = orderBody([{ sku, quantity: 1 }]);
    const placed = await postOrder(await customerToken(customerId), body);
    expect(placed.status, placed.text).toBe(201);
    const orderId = String(placed.json.orderId);

    const items = await poll(
      () => notificationsOf(customerId),
      (list) => list.some((n) => n.template === 'order-confirmed' && n.status === 'SENT'),
      60_000,
    );
    const confirmations = items.filter((n) => n.template === 'order-confirmed');
    expect(confirmations).toHaveLength(1);
    const [confirmation] = confirmations;
    expect(confirmation).toMatchObject({ orderId, status: 'SENT', channel: 'email', provider: 'sandbox', locale: 'zh-CN', subject: `订单已提交：${orderId}` });
    expect(confirmation?.body).toContain(orderId);
    expect(confirmation?.body).toContain('¥');
    // the destination is masked: first character and domain only
    expect(confirmation?.destination).toBe('l***@example.cn');
    expect(JSON.stringify(items)).not.toContain(body.contactEmail);
    expect(JSON.stringify(items)).not.toContain('李华');
  });

  it('a ticket event without an order, delivered twice, is one in-app notification', async () => {
    const customerId = `e2e-notify-ticket-${ulid()}`;
    const payload = { ticketId: ulid(), customerId, category: 'enquiry' as const, status: 'OPEN' as const, changedAt: new Date().toISOString() };
    await putEvent(TicketStatusChanged, payload);
    await putEvent(TicketStatusChanged, payload);
    const items = await poll(
      () => notificationsOf(customerId),
      (list) => list.some((n) => n.status === 'SENT'),
      60_000,
    );
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ template: 'ticket-updated', status: 'SENT', channel: 'in-app', reason: 'no-order' });
  });

  it('GET /admin/notifications needs a staff role and the customer id', async () => {
    expect((await api('/admin/notifications', { token: await agent() })).status).toBe(400);
    expect((await api('/admin/notifications?customerId=alice', { token: await customerToken('alice') })).status).toBe(401);
    expect((await api('/admin/notifications?customerId=alice', { token: await tokenFor('e2e-notify-marketer', ['marketer']) })).status).toBe(403);
    expect((await api('/admin/notifications?customerId=alice', { token: await tokenFor('e2e-notify-ops', ['ops']) })).status).toBe(200);
  });
});
