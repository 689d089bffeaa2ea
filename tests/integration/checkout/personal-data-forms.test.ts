/**
 * SEC-2, SEC-3 on DynamoDB Local and the local KMS: an order's personal data is stored as one sealed
 * value of the whole record (since 2026-12), which is what keeps the order item — rewritten whole at
 * every status change — small; orders stored before then hold a map of one encrypted value per
 * field, and every reader still reads them: the order view, the address correction (which seals the
 * record anew), the contact contract (notifications), the recipient contract (carrier labels) and
 * the compliance scans' view of what is stored.
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { readContact } from '../../../functions/checkout/contact-contract.ts';
import { correctShippingAddress } from '../../../functions/checkout/correct-shipping-address.ts';
import { ORDER_ENTITY, decryptPersonalData, readablePersonalData } from '../../../functions/checkout/personal-data.ts';
import { storedPersonalValues } from '../../../functions/checkout/personal-data-contract.ts';
import { readRecipient } from '../../../functions/checkout/recipient-contract.ts';
import { placeOrder } from '../../../functions/checkout/place-order.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { isEncryptedField } from '../../../shared/field-encryption.ts';
import { itemSize, type WireItem } from '../../../infra/local/dynamodb-item-size.ts';
import { marshall } from '@aws-sdk/util-dynamodb';
import { customer, useCheckoutWorld } from './fixtures.ts';

const world = useCheckoutWorld();

const address = {
  name: '欧阳晓燕',
  phone: '13912345678',
  line1: '中山东一路 18 号',
  line2: '外滩中心 7 楼',
  province: '上海市',
  city: '上海市',
  district: '黄浦区',
  postalCode: '200002',
  country: 'CN',
};
const email = 'xiaoyan.ouyang@example.cn';
const fields = {
  name: address.name,
  phone: address.phone,
  line1: address.line1,
  line2: address.line2,
  province: address.province,
  city: address.city,
  district: address.district,
  postalCode: address.postalCode,
  email,
};

async function rawItem(orderId: string) {
  return (await documentClient().send(new GetCommand({ TableName: world.tables.orders, Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' }, ConsistentRead: true }))).Item!;
}

async function placed(customerId: string) {
  const sku = await world.product({ stock: { 'WH-EAST': 5 } });
  const { order } = await placeOrder(world.placeDeps(), {
    customerId,
    request: world.request([{ sku, quantity: 1 }], { shippingAddress: address, contactEmail: email, payment: { method: 'bank_transfer' } }),
    correlationId: 'c',
    idempotencyKey: ulid(),
  });
  return order;
}

/** Rewrites an order's personal data as orders placed before 2026-12 stored it: one encrypted value per field. */
async function storeAsBefore(orderId: string, customerId: string) {
  const perField = await world.cipher.encryptFields({ entity: ORDER_ENTITY, recordId: orderId, subject: customerId }, fields);
  await documentClient().send(
    new UpdateCommand({
      TableName: world.tables.orders,
      Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' },
      UpdateExpression: 'SET personal = :p',
      ExpressionAttributeValues: { ':p': perField },
    }),
  );
  return perField;
}

describe('how an order stores its personal data (SEC-2)', () => {
  it('one sealed value of the whole record: a single v2 string, every field back after decryption, a third of the map’s size or less', async () => {
    const customerId = customer('sealed');
    const order = await placed(customerId);
    const raw = await rawItem(order.orderId);
    expect(typeof raw.personal).toBe('string');
    expect(isEncryptedField(raw.personal)).toBe(true);
    expect(JSON.stringify(raw)).not.toContain('欧阳');
    expect(await decryptPersonalData(world.newEncryptor(), order.orderId, raw.personal as string)).toEqual(fields);
    expect(storedPersonalValues(raw.personal)).toEqual([['personal', raw.personal]]);

    // The same data one value per field, as before: what the sealed form saves on every rewrite of the item.
    const perField = await world.cipher.encryptFields({ entity: ORDER_ENTITY, recordId: order.orderId, subject: customerId }, fields);
    const sealedBytes = itemSize(marshall({ personal: raw.personal }) as unknown as WireItem);
    const mapBytes = itemSize(marshall({ personal: perField }) as unknown as WireItem);
    expect(sealedBytes * 2).toBeLessThan(mapBytes);
  });

  it('an order stored one value per field still reads everywhere, and a correction seals it anew', async () => {
    const customerId = customer('legacy');
    const order = await placed(customerId);
    const perField = await storeAsBefore(order.orderId, customerId);
    const stored = await world.orders.getOrder(order.orderId);
    expect(stored?.personal).toEqual(perField);
    expect(await readablePersonalData(world.newEncryptor(), order.orderId, stored!.personal)).toEqual(fields);
    expect(storedPersonalValues(perField).map(([path]) => path)).toEqual([
      'personal.name',
      'personal.phone',
      'personal.line1',
      'personal.line2',
      'personal.province',
      'personal.city',
      'personal.district',
      'personal.postalCode',
      'personal.email',
    ]);

    const itemOf = async () => ({ customerId, shippingCountry: 'CN', personal: (await rawItem(order.orderId)).personal as never });
    expect(await readContact({ itemOf, cipher: world.newEncryptor() }, order.orderId)).toEqual({ customerId, shippingCountry: 'CN', email, phone: address.phone });
    const encryptedOf = async () => (await rawItem(order.orderId)).personal as never;
    expect(await readRecipient({ encryptedOf, cipher: world.newEncryptor() }, order.orderId)).toMatchObject({ name: address.name, phone: address.phone });

    const place = world.placeDeps();
    const view = await correctShippingAddress(
      { ...world.changeDeps(), cipher: world.cipher, riskSignalKey: place.riskSignalKey, regions: place.regions, shippingRates: place.settings.shippingRates },
      {
        orderId: order.orderId,
        principal: { userId: customerId, roles: ['customer'], isStaff: false } as never,
        address: { ...address, line1: '南京东路 1 号' },
        correlationId: 'c',
      },
    );
    expect(view.shippingAddress).toMatchObject({ line1: '南京东路 1 号' });
    const after = await rawItem(order.orderId);
    expect(typeof after.personal).toBe('string');
    expect(await decryptPersonalData(world.newEncryptor(), order.orderId, after.personal as string)).toEqual({ ...fields, line1: '南京东路 1 号' });
    // The contact contract opens the sealed record and hands over only the email and phone.
    expect(await readContact({ itemOf, cipher: world.newEncryptor() }, order.orderId)).toEqual({ customerId, shippingCountry: 'CN', email, phone: address.phone });
  });

  it('the sealed value is bound to its order: copied onto another order it does not open', async () => {
    const a = await placed(customer('bound'));
    const b = await placed(customer('bound'));
    const sealedA = (await rawItem(a.orderId)).personal as string;
    await expect(decryptPersonalData(world.newEncryptor(), b.orderId, sealedA)).rejects.toMatchObject({ name: 'FieldDecryptionError' });
    const sealedB = (await rawItem(b.orderId)).personal as string;
    expect((await decryptPersonalData(world.newEncryptor(), b.orderId, sealedB)).name).toBe(address.name);
  });
});
