/**
 * Returns in fulfillment (AFT-1), pure parts: a return pickup books with Kuaidi100 from the
 * customer's door to the warehouse (the parties swapped, paid on arrival), the carrier and the
 * returned weight come from the order's shipments, and a return's shipments never make the order's
 * milestones.
 */
import { describe, expect, it } from 'vitest';
import { kuaidi100Gateway } from '../../../functions/fulfillment/carriers/kuaidi100-gateway.ts';
import type { ShipmentRecord } from '../../../functions/fulfillment/fulfillment-repository.ts';
import { pickupCarrier, returnedWeightAndValue, returnPickupShipmentId, ReturnNotReadyError } from '../../../functions/fulfillment/return-pickups.ts';
import { replacementShipmentId } from '../../../functions/fulfillment/exchange-shipments.ts';
import type { Kuaidi100AccountSettings } from '../../../functions/fulfillment/settings.ts';

const account: Kuaidi100AccountSettings = {
  key: 'KEY123',
  secret: 'SECRET456',
  salt: 'salt-for-tests-1234',
  callbackUrl: 'https://api.example.cn/webhooks/carriers/kuaidi100/orders',
  trackingCallbackUrl: 'https://api.example.cn/webhooks/carriers/kuaidi100/tracking',
  senders: { 'WH-EAST': { name: '华东仓', mobile: '02100000000', printAddress: '上海市 浦东新区 仓库路1号' } },
};
const customer = { name: '张三', phone: '13800138000', printAddress: '浙江省 杭州市 西湖区 文三路 90 号' };

function recordingGateway() {
  const params: Array<Record<string, unknown>> = [];
  const gateway = kuaidi100Gateway(account, async (_url, form) => {
    params.push(JSON.parse(form.param as string) as Record<string, unknown>);
    return { status: 200, body: JSON.stringify({ result: true, returnCode: '200', message: '提交成功', data: { taskId: 'T1', orderId: '1001', kuaidinum: 'SF100' } }) };
  });
  return { gateway, params };
}

const request = {
  shipmentId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
  orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YC',
  carrier: 'premium-express',
  warehouseId: 'WH-EAST',
  region: 'east',
  weightGrams: 400,
  cargo: 'returned goods',
};

describe('Kuaidi100 return pickups (AFT-1)', () => {
  it('AFT-1: a return pickup goes from the customer (sender, read just in time) to the warehouse (recipient), paid on arrival (CONSIGNEE)', async () => {
    const { gateway, params } = recordingGateway();
    await gateway.book({ ...request, direction: 'return' }, async () => customer);
    expect(params[0]).toMatchObject({
      sendManName: '张三',
      sendManMobile: '13800138000',
      sendManPrintAddr: customer.printAddress,
      recManName: '华东仓',
      recManMobile: '02100000000',
      payment: 'CONSIGNEE',
    });
  });

  it('outbound bookings are unchanged: from the warehouse to the customer, sender pays (SHIPPER)', async () => {
    const { gateway, params } = recordingGateway();
    await gateway.book(request, async () => customer);
    expect(params[0]).toMatchObject({ sendManName: '华东仓', recManName: '张三', payment: 'SHIPPER' });
  });
});

const shipment = (over: Partial<ShipmentRecord>): ShipmentRecord => ({
  shipmentId: '01JD7ZK3X2V8Q4N6M5R9T0W1YD',
  orderId: request.orderId,
  customerId: 'alice',
  warehouseId: 'WH-EAST',
  carrier: 'standard-express',
  carrierRule: 'default',
  waybill: 'SX0000000001',
  region: 'east',
  lines: [
    { sku: 'TEA-1', quantity: 2 },
    { sku: 'MUG-1', quantity: 2 },
  ],
  weightGrams: 2000,
  valueMinor: 40_000,
  status: 'DELIVERED',
  createdAt: '2026-11-20T00:00:00.000Z',
  dueBy: '2026-11-23T00:00:00.000Z',
  history: [],
  version: 3,
  ...over,
});

describe('return shipments (AFT-1)', () => {
  it('the named carrier if the platform books it, else the order’s own; no order shipment → not ready', () => {
    expect(pickupCarrier('economy-post', [shipment({})])).toBe('economy-post');
    expect(pickupCarrier('standard-post', [shipment({ purpose: 'return-pickup', carrier: 'economy-post' }), shipment({ carrier: 'premium-express' })])).toBe('premium-express');
    expect(() => pickupCarrier('standard-post', [])).toThrow(ReturnNotReadyError);
  });

  it('the returned units’ weight and value are shared out from the order’s shipment by unit', () => {
    expect(returnedWeightAndValue([{ sku: 'TEA-1', quantity: 1 }], [shipment({})])).toEqual({ weightGrams: 500, valueMinor: 10_000 });
    expect(returnedWeightAndValue([{ sku: 'NOT-IN-ORDER', quantity: 1 }], [shipment({})])).toEqual({ weightGrams: 1, valueMinor: 0 });
  });

  it('shipment ids are derived from the return (a retry books the same shipment) and differ between a pickup and a replacement', () => {
    const returnId = '01JD7ZKG61V8Q4N6M5R9T0W1YK';
    expect(returnPickupShipmentId(returnId, 'WH-EAST')).toBe(returnPickupShipmentId(returnId, 'WH-EAST'));
    expect(returnPickupShipmentId(returnId, 'WH-EAST')).not.toBe(replacementShipmentId(returnId, 'WH-EAST'));
    expect(returnPickupShipmentId(returnId, 'WH-EAST')).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});
