/**
 * Group-buy end to end (拼团, ORD-5) on the local cloud: a marketer runs a group price over HTTP;
 * the first shopper's order opens a group and waits, paid, until the group is complete; the second
 * shopper joins with the code and both orders go on to fulfillment. A group whose window ends
 * short is cancelled by the scheduled sweep: every member's stock comes back and every payment is
 * refunded (voided where it was only authorised).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { api, dynamo, e2e, invoke, poll, tokenFor } from '../../support/e2e.ts';
import { untilPayment } from '../payments/support.ts';
import { customerToken, orderBody, postOrder, productWithStock, rawStock } from './support.ts';

const cny = (amount: number) => ({ amount, currency: 'CNY' });

async function groupOffer(size: number): Promise<string> {
  const sku = await productWithStock({ 'WH-EAST': 10 }, { price: 12_900 });
  const marketer = await tokenFor(`e2e-marketer-${ulid()}`, ['marketer']);
  const put = await api(`/admin/promotions/PT-${ulid()}`, {
    method: 'PUT',
    token: marketer,
    json: { kind: 'group-buy', title: '两人团', sku, price: cny(8_800), groupSize: size, reason: 'e2e group-buy' },
  });
  expect(put.status, put.text).toBe(201);
  return sku;
}

const groupOrder = async (sku: string, code?: string) => {
  const token = await customerToken(`e2e-group-${ulid()}`);
  const placed = await postOrder(token, orderBody([{ sku, quantity: 1 }], { orderType: 'group-buy', ...(code ? { groupBuy: { code } } : {}) }));
  expect(placed.status, placed.text).toBe(201);
  return { token, orderId: String(placed.json.orderId), json: placed.json };
};

const orderOf = (orderId: string, token: string) => api(`/orders/${orderId}`, { token }).then((r) => r.json);

describe('group-buy (ORD-5)', () => {
  it('the opener waits, paid, for the group; the second member completes it and both orders proceed', async () => {
    const sku = await groupOffer(2);
    const opener = await groupOrder(sku);
    expect(opener.json).toMatchObject({ orderType: 'group-buy', groupBuy: { size: 2, complete: false }, lines: [{ sku, flashPrice: cny(8_800) }] });
    const code = (opener.json.groupBuy as { code: string }).code;
    // A group-buy quote prices the SKU as the order was priced.
    // Quotes may price with promotions up to PROMOTIONS_CACHE_SECONDS old (orders never do): wait for the offer.
    const quote = await poll(
      () => api('/quotes', { method: 'POST', token: opener.token, json: { items: [{ sku, quantity: 1 }], orderType: 'group-buy', shippingAddress: { region: 'east' } } }),
      (r) => r.status === 200 && (r.json.lines as Array<{ flashPrice?: unknown }>).some((l) => l.flashPrice !== undefined),
      20_000,
    );
    expect(quote.status, quote.text).toBe(200);
    expect(quote.json).toMatchObject({ lines: [{ sku, flashPrice: cny(8_800) }], total: opener.json.total });
    const waiting = await poll(
      () => orderOf(opener.orderId, opener.token),
      (o) => (o.payment as { status: string }).status === 'authorized',
    );
    expect(waiting).toMatchObject({ status: 'PLACED', paymentDueBy: (opener.json.groupBuy as { expiresAt: string }).expiresAt });

    // The shared link: anyone signed in sees the group, never who joined.
    const shared = await api(`/group-buys/${code}`, { token: await customerToken(`e2e-group-${ulid()}`) });
    expect(shared.status, shared.text).toBe(200);
    expect(shared.json).toMatchObject({ code, sku, price: cny(8_800), size: 2, joined: 1, placesLeft: 1, status: 'OPEN' });
    expect(shared.text).not.toContain(opener.orderId);
    expect((await api('/group-buys/ZZZZZZZZ', { token: opener.token })).status).toBe(404);

    const second = await groupOrder(sku, code);
    expect(second.json).toMatchObject({ groupBuy: { code, complete: true } });
    expect((await api(`/group-buys/${code}`, { token: opener.token })).json).toMatchObject({ joined: 2, placesLeft: 0, status: 'COMPLETE' });
    for (const member of [opener, second]) {
      const moved = await poll(
        () => orderOf(member.orderId, member.token),
        (o) => ['FULFILLING', 'SHIPPED', 'DELIVERED'].includes(String(o.status)),
      );
      expect(moved.groupBuy).toMatchObject({ complete: true });
    }
    const third = await postOrder(await customerToken(`e2e-group-${ulid()}`), orderBody([{ sku, quantity: 1 }], { orderType: 'group-buy', groupBuy: { code } }));
    expect(third.status).toBe(409);
    expect(third.json.type).toMatch(/group-buy-closed$/);
  });

  it('a group that does not fill in time: the sweep cancels every member, releases the stock and refunds everyone', async () => {
    const sku = await groupOffer(3);
    const opener = await groupOrder(sku);
    const code = (opener.json.groupBuy as { code: string }).code;
    const second = await groupOrder(sku, code);
    for (const member of [opener, second])
      await poll(
        () => orderOf(member.orderId, member.token),
        (o) => (o.payment as { status: string }).status === 'authorized',
      );
    expect((await rawStock(sku, ['WH-EAST']))['WH-EAST']).toMatchObject({ reserved: 2 });

    // Stand in for the 24 hours: end the group and its members' payment windows now (index keys too).
    const past = new Date(Date.now() - 60_000).toISOString();
    const table = e2e().tables.orders;
    await dynamo().send(
      new UpdateCommand({ TableName: table, Key: { pk: `GROUP#${code}`, sk: 'GROUP' }, UpdateExpression: 'SET expiresAt = :past', ExpressionAttributeValues: { ':past': past } }),
    );
    for (const member of [opener, second]) {
      await dynamo().send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: `ORDER#${member.orderId}`, sk: 'ORDER' },
          UpdateExpression: 'SET paymentDueBy = :due, gsi2sk = :sk, groupBuy.expiresAt = :due, #version = #version + :one',
          ConditionExpression: 'attribute_exists(gsi2pk)',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':due': past, ':sk': `${past}#${member.orderId}`, ':one': 1 },
        }),
      );
    }
    const late = await postOrder(await customerToken(`e2e-group-${ulid()}`), orderBody([{ sku, quantity: 1 }], { orderType: 'group-buy', groupBuy: { code } }));
    expect(late.status).toBe(409);

    const summary = await invoke('ExpireUnpaidOrdersFunction');
    expect(summary.failed).toBe(0);
    for (const member of [opener, second]) {
      expect(await orderOf(member.orderId, member.token)).toMatchObject({ status: 'CANCELLED', cancellation: { by: 'timeout', reason: 'group-buy-expired' }, reservations: [] });
      // Paid by bank transfer (the sandbox's funds arrive at once): captured, so refunded in full, no approver needed.
      const released = (await untilPayment(member.orderId, ['voided', 'refunded'])) as unknown as {
        payment: { status: string; capturedAmount: number; refundedAmount: number };
        balances: { netPaid: number; balanced: boolean };
      };
      expect(released.payment.status).toBe('refunded');
      expect(released.payment.refundedAmount).toBe(released.payment.capturedAmount);
      expect(released.balances).toMatchObject({ netPaid: 0, balanced: true });
    }
    expect((await rawStock(sku, ['WH-EAST']))['WH-EAST']).toEqual({ onHand: 10, reserved: 0, available: 10 });
  });
});
