/**
 * Checkout end to end through the local cloud (ORD-1…ORD-5, SEC-1, SEC-2): quotes with the demo
 * promotions and the documented stacking rule, placing, reading and cancelling orders over HTTP,
 * the raw DynamoDB item (no plaintext personal data; a ciphertext copied onto another order does
 * not decrypt), and the unpaid-order timeout run by its scheduled function.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { decryptPersonalData } from '../../../functions/checkout/personal-data.ts';
import type { EncryptedPersonalData } from '../../../functions/checkout/domain/order.ts';
import { dynamoCustomerKeyStore } from '../../../shared/customer-keys.ts';
import { FieldDecryptionError, FieldEncryptor, kmsKeyProvider } from '../../../shared/field-encryption.ts';
import { kmsClient } from '../../../shared/aws-json.ts';
import { api, dynamo, e2e, invoke, sdkConfig, tables, tokenFor } from '../../support/e2e.ts';
import { customerToken, opsToken, orderBody, postOrder, productWithStock, rawOrder, rawStock } from './support.ts';

const cny = (amount: number) => ({ amount, currency: 'CNY' });

describe('quotes (ORD-1, ORD-3)', () => {
  it('prices the demo promotions by the stacking rule: flash price, then spend ≥ ¥100 − ¥50, then WELCOME10; free shipping above ¥99', async () => {
    const token = await customerToken(`e2e-quote-${ulid()}`);
    const res = await api('/quotes', {
      method: 'POST',
      token,
      json: { items: [{ sku: 'ELEC-POWERBANK-20K', quantity: 2 }], couponCode: 'welcome10', shippingAddress: { region: 'east' } },
    });
    expect(res.status).toBe(200);
    // 2 × ¥129 = ¥258; flash ¥99 saves ¥60 → ¥198; 满100减50 → ¥148; WELCOME10 10 % → ¥14.80 → ¥133.20.
    expect(res.json).toMatchObject({
      subtotal: cny(25800),
      discounts: [
        { kind: 'flash-price', id: 'FLASH-POWERBANK', amount: cny(6000) },
        { kind: 'spend-threshold', id: 'SPEND100-GET50', amount: cny(5000) },
        { kind: 'coupon', id: 'WELCOME10', amount: cny(1480) },
      ],
      discountTotal: cny(12480),
      goodsTotal: cny(13320),
      shipping: { region: 'east', free: true, fee: cny(0) },
      total: cny(13320),
      coupon: { code: 'WELCOME10', applied: true },
      member: false,
      lines: [{ sku: 'ELEC-POWERBANK-20K', quantity: 2, unitPrice: cny(12900), flashPrice: cny(9900), lineTotal: cny(13320), inStock: true }],
    });
  });

  it('members get the member offer when it beats the threshold; a coupon below its minimum spend is reported, not applied', async () => {
    const member = await tokenFor('demo-member', ['customer']);
    const res = await api('/quotes', { method: 'POST', token: member, json: { items: [{ sku: 'ELEC-PHONE-X12-128G', quantity: 1 }] } });
    expect(res.json).toMatchObject({ member: true, discounts: [{ kind: 'member-discount', id: 'MEMBER-5PCT', amount: cny(10000) }], shipping: { region: null } });
    const small = await api('/quotes', {
      method: 'POST',
      token: await customerToken(`e2e-quote-${ulid()}`),
      json: { items: [{ sku: 'FRESH-MILK-1L', quantity: 1 }], couponCode: 'SAVE20', shippingAddress: { region: 'west' } },
    });
    // ¥15.90 milk, 1 050 g to west: ¥15 base + ¥5 for the started second kilogram.
    expect(small.json).toMatchObject({
      coupon: { code: 'SAVE20', applied: false, reason: 'min-spend-not-met' },
      discounts: [],
      shipping: { fee: cny(2000), free: false },
      total: cny(3590),
    });
  });
});

describe('orders over HTTP (ORD-1, SEC-1, SEC-2)', () => {
  it('places an order (201, Location), the customer reads and lists it; another customer gets 404; staff see it', async () => {
    const sku = await productWithStock({ 'WH-EAST': 5 });
    const customerId = `e2e-flow-${ulid()}`;
    const token = await customerToken(customerId);
    const placed = await postOrder(token, orderBody([{ sku, quantity: 2 }]));
    expect(placed.status).toBe(201);
    const orderId = String(placed.json.orderId);
    expect(placed.headers.get('location')).toBe(`/orders/${orderId}`);
    expect(placed.json).toMatchObject({
      status: 'PLACED',
      customerId,
      reservations: [{ sku, warehouseId: 'WH-EAST', quantity: 2 }],
      shippingAddress: { name: '李华', region: 'east' },
      payment: { method: 'bank_transfer' },
    });
    expect((placed.json.amountDue as { amount: number }).amount).toBe((placed.json.total as { amount: number }).amount);

    const own = await api(`/orders/${orderId}`, { token });
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ orderId });
    expect((own.json.timeline as unknown[])[0]).toEqual(expect.objectContaining({ from: null, to: 'PLACED', reason: 'order-placed' }));
    expect(own.json).not.toHaveProperty('risk');
    expect((await api(`/orders/${orderId}`, { token: await customerToken(`e2e-other-${ulid()}`) })).status).toBe(404);
    expect((await api(`/orders/${ulid()}`, { token })).status).toBe(404);
    const list = await api('/orders', { token });
    expect(list.json.items).toEqual([expect.objectContaining({ orderId, itemCount: 2, paymentMethod: 'bank_transfer' })]);
    const staff = await api(`/orders/${orderId}`, { token: await tokenFor('e2e-cs', ['cs-agent']), headers: { 'x-access-reason': 'e2e check' } });
    expect(staff.status).toBe(200);
    expect(staff.json).toMatchObject({ orderId, shippingAddress: { name: '李华' } });
  });

  it('SEC-2: the raw DynamoDB item has no plaintext personal data; a ciphertext copied onto another order fails to decrypt', async () => {
    const sku = await productWithStock({ 'WH-EAST': 5 });
    const a = await postOrder(await customerToken(`e2e-pii-${ulid()}`), orderBody([{ sku, quantity: 1 }]));
    const b = await postOrder(await customerToken(`e2e-pii-${ulid()}`), orderBody([{ sku, quantity: 1 }]));
    const rawA = await rawOrder(String(a.json.orderId));
    const rawB = await rawOrder(String(b.json.orderId));
    const text = JSON.stringify(rawA);
    for (const plain of ['李华', '138 0013 8000', '13800138000', '网商路', '杭州', '310052', String((a.json as { contactEmail?: string }).contactEmail)])
      expect(text).not.toContain(plain);
    expect(rawA).toMatchObject({ shippingRegion: 'east', shippingCountry: 'CN' });

    const kms = kmsClient(sdkConfig('KMS'));
    {
      // Orders are sealed under their customer's keys (SEC-3): the reader opens them through the keyring.
      const reader = new FieldEncryptor({ kms: kmsKeyProvider(kms), keyId: 'unused-for-decryption', customerKeyStore: dynamoCustomerKeyStore(tables().customerKey, dynamo()) });
      const personalA = rawA?.personal as EncryptedPersonalData;
      expect(await decryptPersonalData(reader, String(a.json.orderId), personalA)).toMatchObject({ name: '李华', city: '杭州' });
      expect(rawB?.personal).toEqual(expect.any(String));
      // A's sealed data copied onto B does not open as B's.
      await expect(decryptPersonalData(reader, String(b.json.orderId), personalA)).rejects.toBeInstanceOf(FieldDecryptionError);
    }
  });

  it('cancel: the customer cancels their own order before shipment, the stock comes back; ops may cancel any; others get 404', async () => {
    const sku = await productWithStock({ 'WH-SOUTH': 6 });
    const customerId = `e2e-cancel-${ulid()}`;
    const token = await customerToken(customerId);
    const south = (body: ReturnType<typeof orderBody>) => ({ ...body, shippingAddress: { ...body.shippingAddress, region: 'south' } });
    const first = await postOrder(token, south(orderBody([{ sku, quantity: 2 }])));
    const second = await postOrder(token, south(orderBody([{ sku, quantity: 3 }])));
    expect((await rawStock(sku, ['WH-SOUTH']))['WH-SOUTH']).toEqual({ onHand: 6, reserved: 5, available: 1 });
    const cancel = (orderId: string, who: string, body: unknown = {}) =>
      api(`/orders/${orderId}/cancel`, { method: 'POST', token: who, json: body, headers: { 'Idempotency-Key': ulid() } });
    expect((await cancel(String(first.json.orderId), await customerToken(`e2e-other-${ulid()}`))).status).toBe(404);
    const mine = await cancel(String(first.json.orderId), token);
    expect(mine.status).toBe(200);
    expect(mine.json).toMatchObject({ status: 'CANCELLED', cancellation: { by: 'customer' } });
    const byOps = await cancel(String(second.json.orderId), await opsToken(), { reason: 'e2e: customer called' });
    expect(byOps.json).toMatchObject({ status: 'CANCELLED', cancellation: { by: 'staff' } });
    expect((await rawStock(sku, ['WH-SOUTH']))['WH-SOUTH']).toEqual({ onHand: 6, reserved: 0, available: 6 });
    expect((await cancel(String(first.json.orderId), token)).status).toBe(409);
    const read = await api(`/orders/${String(first.json.orderId)}`, { token });
    const statuses = (read.json.timeline as Array<{ to: string }>).map((t) => t.to);
    expect(statuses[0]).toBe('PLACED');
    expect(statuses.at(-1)).toBe('CANCELLED');
  });

  it('ORD-4: the scheduled sweep cancels an order unpaid past its window and releases its stock', async () => {
    const sku = await productWithStock({ 'WH-EAST': 4 });
    const token = await customerToken(`e2e-timeout-${ulid()}`);
    const placed = await postOrder(token, orderBody([{ sku, quantity: 3 }]));
    const orderId = String(placed.json.orderId);
    // Stand in for the 30 minutes: move this order's due time into the past (its index key too),
    // bumping its version so a concurrent change (fraud's verdict arriving) re-reads instead of overwriting.
    const past = new Date(Date.now() - 60_000).toISOString();
    await dynamo().send(
      new UpdateCommand({
        TableName: e2e().tables.orders,
        Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' },
        UpdateExpression: 'SET paymentDueBy = :due, gsi2sk = :sk, #version = #version + :one',
        ConditionExpression: 'attribute_exists(gsi2pk)',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':due': past, ':sk': `${past}#${orderId}`, ':one': 1 },
      }),
    );
    const summary = await invoke('ExpireUnpaidOrdersFunction');
    expect(summary.failed).toBe(0);
    const after = await api(`/orders/${orderId}`, { token });
    expect(after.json).toMatchObject({ status: 'CANCELLED', cancellation: { by: 'timeout', reason: 'payment-window-expired', actor: 'system:payment-timeout' }, reservations: [] });
    expect((await rawStock(sku, ['WH-EAST']))['WH-EAST']).toEqual({ onHand: 4, reserved: 0, available: 4 });
  });
});
