/**
 * Mainland addresses end to end in checkout (ORD-1, FUL-1, SEC-2), against DynamoDB Local: an
 * order with `province` / `city` / `district` and no `region` is priced and allocated in the
 * province's zone; province and district are encrypted like the other address fields and come back
 * decrypted to the customer.
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { EncryptedPersonalData } from '../../../functions/checkout/domain/order.ts';
import { ulid } from 'ulid';
import { toOrderView } from '../../../functions/checkout/domain/order-view.ts';
import { decryptPersonalData } from '../../../functions/checkout/personal-data.ts';
import { placeOrder } from '../../../functions/checkout/place-order.ts';
import { readRecipient, RecipientUnavailableError } from '../../../functions/checkout/recipient-contract.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { customer, problem, useCheckoutWorld } from './fixtures.ts';

const world = useCheckoutWorld();

const address = { name: '陈静', phone: '+86 135 7100 2233', line1: '文三路 90 号', province: '浙江省', city: '杭州市', district: '西湖区', postalCode: '310012', country: 'CN' };

describe('mainland addresses (ORD-1, FUL-1, SEC-2)', () => {
  it('a province/city/district address without region ships from the province’s zone; province and district are encrypted at rest', async () => {
    const sku = await world.product({ stock: { 'WH-EAST': 5, 'WH-WEST': 5 } });
    const customerId = customer('cn');
    const { order } = await placeOrder(world.placeDeps(), {
      customerId,
      request: world.request([{ sku, quantity: 1 }], { shippingAddress: address, payment: { method: 'bank_transfer' } }),
      correlationId: 'c',
      idempotencyKey: ulid(),
    });
    expect(order.shippingRegion).toBe('east');
    expect(order.reservations).toEqual([{ sku, warehouseId: 'WH-EAST', quantity: 1 }]);
    const { Item } = await documentClient().send(new GetCommand({ TableName: world.tables.orders, Key: { pk: `ORDER#${order.orderId}`, sk: 'ORDER' } }));
    const raw = JSON.stringify(Item);
    for (const clear of ['浙江省', '西湖区', '杭州市', '文三路']) expect(raw).not.toContain(clear);
    const personal = await decryptPersonalData(world.cipher, order.orderId, order.personal!);
    expect(toOrderView(order, [], { personal, reader: 'customer' }).shippingAddress).toMatchObject({ province: '浙江省', city: '杭州市', district: '西湖区', region: 'east' });
  });

  it('an unknown province, a contradicting region, or a non-mainland phone → 400 naming the field, nothing written', async () => {
    const sku = await world.product({ stock: { 'WH-EAST': 5 } });
    const attempt = async (shippingAddress: Record<string, unknown>) => {
      const error = await problem(
        placeOrder(world.placeDeps(), {
          customerId: customer('cn-bad'),
          request: world.request([{ sku, quantity: 1 }], { shippingAddress: shippingAddress as never, payment: { method: 'bank_transfer' } }),
          correlationId: 'c',
          idempotencyKey: ulid(),
        }),
      );
      expect(error.status).toBe(400);
      return error.errors?.map((e) => e.path);
    };
    expect(await attempt({ ...address, province: '加利福尼亚' })).toEqual(['body.shippingAddress.province']);
    expect(await attempt({ ...address, region: 'west' })).toEqual(['body.shippingAddress.region']);
    expect(await attempt({ ...address, phone: '+1 415 555 0100' })).toEqual(['body.shippingAddress.phone']);
    expect((await world.stock(sku))['WH-EAST']).toMatchObject({ reserved: 0 });
  });
});

describe('the recipient contract (FUL-3, SEC-2)', () => {
  const encryptedOf = async (orderId: string) => {
    const { Item } = await documentClient().send(new GetCommand({ TableName: world.tables.orders, Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' } }));
    return Item?.personal as EncryptedPersonalData | undefined;
  };

  it('decrypts the recipient of one order for a carrier’s label, in the order a Chinese label prints it; an unknown order has none', async () => {
    const sku = await world.product({ stock: { 'WH-EAST': 5 } });
    const { order } = await placeOrder(world.placeDeps(), {
      customerId: customer('label'),
      request: world.request([{ sku, quantity: 1 }], { shippingAddress: address, payment: { method: 'bank_transfer' } }),
      correlationId: 'c',
      idempotencyKey: ulid(),
    });
    expect(await readRecipient({ encryptedOf, cipher: world.newEncryptor() }, order.orderId)).toEqual({
      name: '陈静',
      phone: '+86 135 7100 2233',
      printAddress: '浙江省 杭州市 西湖区 文三路 90 号 310012',
    });
    // A municipality's province and city are one name: printed once.
    const shanghai = { ...address, province: '上海市', city: '上海市', district: '浦东新区', line1: '世纪大道 100 号', postalCode: '200120' };
    const { order: second } = await placeOrder(world.placeDeps(), {
      customerId: customer('label'),
      request: world.request([{ sku, quantity: 1 }], { shippingAddress: shanghai, payment: { method: 'bank_transfer' } }),
      correlationId: 'c',
      idempotencyKey: ulid(),
    });
    expect((await readRecipient({ encryptedOf, cipher: world.cipher }, second.orderId)).printAddress).toBe('上海市 浦东新区 世纪大道 100 号 200120');
    await expect(readRecipient({ encryptedOf, cipher: world.cipher }, '01JD7ZK3X2V8Q4N6M5R9T0W1YB')).rejects.toBeInstanceOf(RecipientUnavailableError);
  });
});
