/**
 * ORD-6 in checkout on DynamoDB Local: a customer corrects the shipping address of an order not yet
 * approved. The new address is encrypted at rest (the old one unreadable in the item), the zone
 * changes, `OrderAddressCorrected` carries only the zone and keyed hashes; someone else's order is
 * a 404, an approved one a 409, a zone with another shipping fee a 409, a bad address a 400 — each
 * changing nothing. An authorised payment waits for fraud's re-assessment, which then approves.
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { inboundEvent, applyOrderEvent } from '../../../functions/checkout/apply-order-event.ts';
import { correctShippingAddress, type CorrectAddressDeps } from '../../../functions/checkout/correct-shipping-address.ts';
import { decryptPersonalData } from '../../../functions/checkout/personal-data.ts';
import { placeOrder } from '../../../functions/checkout/place-order.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { customer, problem, useCheckoutWorld } from './fixtures.ts';

const world = useCheckoutWorld();

const placedAddress = { name: '陈静', phone: '13571002233', line1: '文三路 90 号', province: '浙江省', city: '杭州市', district: '西湖区', postalCode: '310012', country: 'CN' };
const corrected = { name: '陈静', phone: '13571002234', line1: '南京路 100 号', province: '上海市', city: '上海市', district: '黄浦区', postalCode: '200001', country: 'CN' };

function deps(): CorrectAddressDeps {
  const place = world.placeDeps();
  return { ...world.changeDeps(), cipher: world.cipher, riskSignalKey: place.riskSignalKey, regions: place.regions, shippingRates: place.settings.shippingRates };
}

const principal = (userId: string) => ({ userId, roles: ['customer'], isStaff: false }) as never;
const meta = () => ({ correlationId: `c-${ulid()}`, occurredAt: new Date().toISOString(), eventId: ulid() });

async function placed(customerId: string, payment: Record<string, unknown> = { method: 'bank_transfer' }, price?: number) {
  const sku = await world.product({ stock: { 'WH-EAST': 5 }, ...(price !== undefined ? { price } : {}) });
  const { order } = await placeOrder(world.placeDeps(), {
    customerId,
    request: world.request([{ sku, quantity: 1 }], { shippingAddress: placedAddress, payment: payment as never }),
    correlationId: 'c',
    idempotencyKey: ulid(),
  });
  return order;
}

async function rawItem(orderId: string) {
  return (await documentClient().send(new GetCommand({ TableName: world.tables.orders, Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' } }))).Item as Record<string, unknown>;
}

describe('address correction in checkout (ORD-6)', () => {
  it('corrects a placed order: encrypted at rest, new zone, timeline note, OrderAddressCorrected without personal data', async () => {
    const customerId = customer('fix');
    const order = await placed(customerId);
    const view = await correctShippingAddress(deps(), { orderId: order.orderId, principal: principal(customerId), address: corrected, correlationId: 'c' });
    expect(view.status).toBe('PLACED');
    expect(view.shippingAddress).toMatchObject({ line1: '南京路 100 号', province: '上海市', district: '黄浦区', region: 'east' });
    expect(view.timeline.at(-1)).toMatchObject({ from: 'PLACED', to: 'PLACED', reason: 'address-corrected', actor: customerId });

    const raw = JSON.stringify(await rawItem(order.orderId));
    for (const clear of ['南京路', '黄浦区', '13571002234', '文三路']) expect(raw).not.toContain(clear);
    const stored = await world.orders.getOrder(order.orderId);
    expect(stored?.addressCorrection).toMatchObject({ count: 1, awaitingRisk: true });
    const personal = await decryptPersonalData(world.newEncryptor(), order.orderId, stored!.personal!);
    expect(personal).toMatchObject({ line1: '南京路 100 号', phone: '13571002234', email: expect.stringContaining('@') });

    const [event] = world.events.of('OrderAddressCorrected', order.orderId);
    expect(event).toMatchObject({
      orderId: order.orderId,
      customerId,
      shippingRegion: 'east',
      correction: 1,
      riskSignals: { addressHash: expect.stringMatching(/^[0-9a-f]{64}$/), phoneHash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    for (const clear of ['南京路', '黄浦区', '13571002234', '陈静']) expect(JSON.stringify(event)).not.toContain(clear);
  });

  it('someone else’s order → 404, a bad address → 400, an approved order → 409, a zone with another shipping fee → 409; nothing changes', async () => {
    const customerId = customer('fix');
    // Cheap enough to pay for shipping (dearer orders ship free, to any zone).
    const order = await placed(customerId, { method: 'bank_transfer' }, 1_500);
    expect(order.shippingFee.amount).toBeGreaterThan(0);
    const before = await rawItem(order.orderId);
    expect((await problem(correctShippingAddress(deps(), { orderId: order.orderId, principal: principal('someone-else'), address: corrected, correlationId: 'c' }))).status).toBe(
      404,
    );
    const bad = await problem(
      correctShippingAddress(deps(), { orderId: order.orderId, principal: principal(customerId), address: { ...corrected, province: '加利福尼亚' }, correlationId: 'c' }),
    );
    expect(bad.status).toBe(400);
    expect(bad.errors?.map((e) => e.path)).toEqual(['body.shippingAddress.province']);
    // Guangdong is in the south zone, priced differently from the east.
    // The same zone (Shanghai is east too) is always fine; the south's rate differs.
    const south = await problem(
      correctShippingAddress(deps(), {
        orderId: order.orderId,
        principal: principal(customerId),
        address: { ...corrected, province: '广东省', city: '广州市', district: '天河区', postalCode: '510000' },
        correlationId: 'c',
      }),
    );
    expect(south.status).toBe(409);
    expect(await rawItem(order.orderId)).toEqual(before);

    const cod = await placed(customerId, { method: 'cod' });
    await applyOrderEvent(
      world.changeDeps(),
      inboundEvent('PaymentAuthorized', {
        orderId: cod.orderId,
        paymentId: ulid(),
        customerId,
        method: 'cod',
        amount: cod.total,
        captureOn: 'delivery',
        authorizedAt: new Date().toISOString(),
        meta: meta(),
      } as never),
    );
    expect((await world.orders.getOrder(cod.orderId))?.status).toBe('APPROVED');
    const late = await problem(correctShippingAddress(deps(), { orderId: cod.orderId, principal: principal(customerId), address: corrected, correlationId: 'c' }));
    expect(late.status).toBe(409);
    expect(late.slug).toBe('address-not-correctable');
  });

  it('an authorised payment waits for the re-assessment; the re-assessment approves the order', async () => {
    const customerId = customer('fix');
    const order = await placed(customerId, { method: 'card', token: 'tok_visa' });
    await correctShippingAddress(deps(), { orderId: order.orderId, principal: principal(customerId), address: corrected, correlationId: 'c' });
    await applyOrderEvent(
      world.changeDeps(),
      inboundEvent('PaymentAuthorized', {
        orderId: order.orderId,
        paymentId: ulid(),
        customerId,
        method: 'card',
        amount: order.total,
        captureOn: 'shipment',
        authorizedAt: new Date().toISOString(),
        meta: meta(),
      } as never),
    );
    expect(await world.orders.getOrder(order.orderId)).toMatchObject({ status: 'PLACED', payment: { status: 'authorized' } });
    const decision = { orderId: order.orderId, customerId, assessmentId: ulid(), score: 8, level: 'low', rulesFired: [], decidedBy: 'rules', decidedAt: new Date().toISOString() };
    // The placement's own decision (no correction counted) does not release it.
    await applyOrderEvent(world.changeDeps(), inboundEvent('RiskApproved', { ...decision, meta: meta() } as never));
    expect((await world.orders.getOrder(order.orderId))?.status).toBe('PLACED');
    await applyOrderEvent(world.changeDeps(), inboundEvent('RiskApproved', { ...decision, assessmentId: ulid(), addressCorrections: 1, meta: meta() } as never));
    expect(await world.orders.getOrder(order.orderId)).toMatchObject({ status: 'APPROVED', addressCorrection: { count: 1, awaitingRisk: false } });
    expect(world.events.of('OrderStatusChanged', order.orderId).at(-1)).toMatchObject({ from: 'PLACED', to: 'APPROVED', reason: 'address-reassessed', shippingRegion: 'east' });
  });
});
