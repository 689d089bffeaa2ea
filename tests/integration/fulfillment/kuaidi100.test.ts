/**
 * FUL-3 on DynamoDB Local: allocation books with Kuaidi100 (a real aggregator's API, answered by
 * fixtures written from its documentation), the recipient decrypted just in time and never
 * stored; a shipment is booked once however often allocation is retried or replayed; the order
 * callback brings the waybill and the pickup, the tracking push the delivery, each signed with the
 * account's salt; a cancelled order's pickup is cancelled with Kuaidi100.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Recipient } from '../../../functions/fulfillment/carrier-gateway.ts';
import { kuaidi100Gateway, provisionalWaybill } from '../../../functions/fulfillment/carriers/kuaidi100-gateway.ts';
import { callbackSign } from '../../../functions/fulfillment/carriers/kuaidi100.ts';
import { FulfillmentRepository } from '../../../functions/fulfillment/fulfillment-repository.ts';
import { makeAllocateOrderHandler } from '../../../functions/fulfillment/handlers/allocate-order.ts';
import { cancelFulfillment } from '../../../functions/fulfillment/cancel-fulfillment.ts';
import { makeCancelFulfillmentHandler } from '../../../functions/fulfillment/handlers/cancel-fulfillment.ts';
import { makeReceiveKuaidi100CallbackHandler } from '../../../functions/fulfillment/handlers/receive-kuaidi100-callback.ts';
import type { Kuaidi100AccountSettings } from '../../../functions/fulfillment/settings.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { newId } from '../../../shared/ids.ts';
import { apiEvent, lambdaContext } from '../../support/http-events.ts';
import { allocatedOrder, capturePublisher, LISTINGS, orderCancelledMessage, statusChangedMessage, fulfillmentWorld, type FulfillmentWorld } from './fixtures.ts';

const account: Kuaidi100AccountSettings = {
  key: 'KEY123',
  secret: 'SECRET456',
  salt: 'salt-for-tests-1234',
  callbackUrl: 'https://api.example.cn/webhooks/carriers/kuaidi100/orders',
  trackingCallbackUrl: 'https://api.example.cn/webhooks/carriers/kuaidi100/tracking',
  senders: { default: { name: '华东仓', mobile: '02100000000', printAddress: '上海市 浦东新区 仓库路1号' } },
};
const RECIPIENT: Recipient = { name: '张三', phone: '13800138000', printAddress: '浙江省 杭州市 西湖区 文三路 90 号 310012' };

let { tables, catalog, repository, reader } = {} as FulfillmentWorld;
let nextKuaidi100Order = 70_000_000 + Math.floor(Math.random() * 1_000_000);

beforeAll(async () => void ({ tables, catalog, repository, reader } = await fulfillmentWorld()));

/** Kuaidi100 as its documentation answers: bOrder → taskId + orderId (no waybill yet), cancel → success. */
function kuaidi100Fixture() {
  const calls: Array<{ method: string; param: Record<string, unknown> }> = [];
  const post = async (_url: string, form: Readonly<Record<string, string>>) => {
    const param = JSON.parse(form.param as string) as Record<string, unknown>;
    calls.push({ method: form.method as string, param });
    if (form.method === 'bOrder')
      return {
        status: 200,
        body: JSON.stringify({ result: true, returnCode: '200', message: '提交成功', data: { taskId: `TASK${nextKuaidi100Order}`, orderId: String(nextKuaidi100Order++) } }),
      };
    return { status: 200, body: JSON.stringify({ result: true, returnCode: '200', message: '成功' }) };
  };
  return { calls, gateway: kuaidi100Gateway(account, post) };
}

function signedForm(param: unknown, salt = account.salt): string {
  const json = JSON.stringify(param);
  return new URLSearchParams({ param: json, sign: callbackSign(json, salt) }).toString();
}

function callback(kind: 'orders' | 'tracking', body: string) {
  return apiEvent({
    method: 'POST',
    path: `/webhooks/carriers/kuaidi100/${kind}`,
    resource: '/webhooks/carriers/kuaidi100/{kind}',
    pathParameters: { kind },
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

async function allocatedWithKuaidi100() {
  const sku = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 5 });
  const reservations = [{ sku, warehouseId: 'WH-EAST', quantity: 1 }];
  const orderId = newId();
  await catalog.reserve(orderId, reservations);
  const kuaidi100 = kuaidi100Fixture();
  const asked: string[] = [];
  const publisher = capturePublisher();
  const allocate = makeAllocateOrderHandler({
    repository: () => repository,
    catalog: () => reader,
    carrier: kuaidi100.gateway,
    recipients: async (id) => (asked.push(id), RECIPIENT),
    publisher: publisher.factory,
  });
  const message = statusChangedMessage({ orderId, to: 'APPROVED', reservations, region: 'east' });
  expect(await allocate(message, lambdaContext())).toEqual({ batchItemFailures: [] });
  const [shipment] = (await repository.getOrder(orderId)).shipments;
  return { orderId, sku, reservations, kuaidi100, asked, publisher, allocate, message, shipment: shipment! };
}

describe('booking with Kuaidi100 (FUL-3)', () => {
  it('books once with the recipient decrypted just in time; only ids and the provisional waybill are kept', async () => {
    const { orderId, kuaidi100, asked, allocate, message, shipment } = await allocatedWithKuaidi100();
    expect(asked).toEqual([orderId]);
    expect(kuaidi100.calls).toHaveLength(1);
    expect(kuaidi100.calls[0]).toMatchObject({
      method: 'bOrder',
      param: {
        kuaidicom: 'ems',
        recManName: '张三',
        recManMobile: '13800138000',
        recManPrintAddr: RECIPIENT.printAddress,
        sendManName: '华东仓',
        cargo: 'apparel',
        salt: account.salt,
      },
    });
    const reference = String(nextKuaidi100Order - 1);
    expect(shipment).toMatchObject({
      carrier: 'economy-post',
      waybill: provisionalWaybill(reference),
      booking: { provider: 'kuaidi100', reference, taskId: `TASK${reference}` },
      status: 'CREATED',
    });

    // Nothing of the recipient is stored anywhere in the order's partition.
    const { Items } = await documentClient().send(
      new QueryCommand({ TableName: tables.fulfillment, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` } }),
    );
    const stored = JSON.stringify(Items);
    for (const personal of ['张三', '13800138000', '文三路']) expect(stored).not.toContain(personal);
    expect(Items!.map((i) => String(i.sk).split('#')[0]).sort()).toEqual(['BOOKING', 'SHIPMENT', 'SUMMARY']);

    // A replay (SQS redelivery) books nothing more.
    await allocate(message, lambdaContext());
    expect(kuaidi100.calls).toHaveLength(1);
  });

  it('a retry after a failure between booking and commit reuses the recorded booking', async () => {
    const sku = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 5 });
    const reservations = [{ sku, warehouseId: 'WH-EAST', quantity: 1 }];
    const orderId = newId();
    await catalog.reserve(orderId, reservations);
    const kuaidi100 = kuaidi100Fixture();
    let failures = 1;
    const flaky = Object.create(repository) as FulfillmentRepository;
    flaky.commitAllocation = async (input) => {
      if (failures-- > 0) throw new Error('DynamoDB unavailable (test)');
      return repository.commitAllocation(input);
    };
    const allocate = makeAllocateOrderHandler({
      repository: () => flaky,
      catalog: () => reader,
      carrier: kuaidi100.gateway,
      recipients: async () => RECIPIENT,
      publisher: capturePublisher().factory,
    });
    const message = statusChangedMessage({ orderId, to: 'APPROVED', reservations, region: 'east' });
    expect((await allocate(message, lambdaContext())).batchItemFailures).toHaveLength(1);
    expect(await allocate(message, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(kuaidi100.calls.filter((c) => c.method === 'bOrder')).toHaveLength(1);
    const [shipment] = (await repository.getOrder(orderId)).shipments;
    expect(shipment?.booking?.reference).toBe(String(nextKuaidi100Order - 1));
  });
});

describe('Kuaidi100 callbacks (FUL-3)', () => {
  it('the order callback attaches the waybill and records the pickup; the tracking push records the delivery; repeats change nothing', async () => {
    const { orderId, shipment } = await allocatedWithKuaidi100();
    const publisher = capturePublisher();
    const receive = makeReceiveKuaidi100CallbackHandler({ repository: () => repository, publisher: publisher.factory, salt: account.salt });
    const reference = shipment.booking!.reference;
    const waybill = `SF${reference}001`;

    const orderCallback = signedForm({
      kuaidicom: 'shunfeng',
      kuaidinum: waybill,
      status: '10',
      message: '已取件',
      data: { orderId: reference, status: 10, courierName: '李师傅', courierMobile: '13900000000' },
    });
    const picked = await receive(callback('orders', orderCallback), lambdaContext());
    expect(picked.statusCode).toBe(200);
    expect(JSON.parse(picked.body)).toEqual({ result: true, returnCode: '200', message: '成功' });
    const [afterPickup] = (await repository.getOrder(orderId)).shipments;
    expect(afterPickup).toMatchObject({ waybill, provisionalWaybill: provisionalWaybill(reference), status: 'PICKED_UP' });
    expect(await repository.findWaybill(waybill)).toMatchObject({ orderId, shipmentId: shipment.shipmentId });
    expect(await repository.findWaybill(provisionalWaybill(reference))).toMatchObject({ orderId, shipmentId: shipment.shipmentId });
    expect(publisher.named('ShipmentStatusChanged')).toEqual([expect.objectContaining({ orderId, waybill, from: 'CREATED', to: 'PICKED_UP' })]);
    // Courier details are not kept.
    expect(JSON.stringify(afterPickup)).not.toContain('13900000000');

    // The same callback again: acknowledged, nothing new.
    expect((await receive(callback('orders', orderCallback), lambdaContext())).statusCode).toBe(200);
    expect(publisher.named('ShipmentStatusChanged')).toHaveLength(1);

    const push = signedForm({
      status: 'polling',
      message: '',
      lastResult: {
        message: 'ok',
        nu: waybill,
        ischeck: '1',
        com: 'shunfeng',
        state: '3',
        data: [{ context: '已签收，签收人：张三', time: '2026-12-05 10:15:00', ftime: '2026-12-05 10:15:00' }],
      },
    });
    expect((await receive(callback('tracking', push), lambdaContext())).statusCode).toBe(200);
    const [delivered] = (await repository.getOrder(orderId)).shipments;
    expect(delivered).toMatchObject({ status: 'DELIVERED', deliveredAt: '2026-12-05T02:15:00.000Z' });
    expect(JSON.stringify(delivered)).not.toContain('张三');
    expect(publisher.named('OrderDelivered')).toEqual([expect.objectContaining({ orderId, deliveredAt: '2026-12-05T02:15:00.000Z' })]);
    expect((await receive(callback('tracking', push), lambdaContext())).statusCode).toBe(200);
    expect(publisher.named('OrderDelivered')).toHaveLength(1);
  });

  it('a wrong signature is 401 and changes nothing; a malformed callback 400; an unknown booking or waybill 404', async () => {
    const { orderId, shipment } = await allocatedWithKuaidi100();
    const publisher = capturePublisher();
    const receive = makeReceiveKuaidi100CallbackHandler({ repository: () => repository, publisher: publisher.factory, salt: account.salt });
    const forged = signedForm({ kuaidinum: 'SF999', data: { orderId: shipment.booking!.reference, status: 13 } }, 'not-the-salt-123');
    const refused = await receive(callback('orders', forged), lambdaContext());
    expect(refused.statusCode).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ type: expect.stringContaining('invalid-signature') });
    expect((await repository.getOrder(orderId)).shipments[0]).toMatchObject({ status: 'CREATED', waybill: shipment.waybill });
    expect(publisher.published).toEqual([]);

    expect((await receive(callback('tracking', 'not a form at all'), lambdaContext())).statusCode).toBe(400);
    expect((await receive(callback('orders', signedForm({ data: { orderId: '1', status: 10 } })), lambdaContext())).statusCode).toBe(404);
    expect((await receive(callback('tracking', signedForm({ lastResult: { nu: 'YT0000000000', state: '0', data: [] } })), lambdaContext())).statusCode).toBe(404);
    const unknownKind = await receive(
      apiEvent({
        method: 'POST',
        path: '/webhooks/carriers/kuaidi100/refunds',
        resource: '/webhooks/carriers/kuaidi100/{kind}',
        pathParameters: { kind: 'refunds' },
        body: forged,
      }),
      lambdaContext(),
    );
    expect(unknownKind.statusCode).toBe(400);
  });

  it('a cancelled order’s pickup is cancelled with Kuaidi100 before the shipment is', async () => {
    const { orderId, kuaidi100, shipment } = await allocatedWithKuaidi100();
    const cancel = makeCancelFulfillmentHandler({ repository: () => repository, catalog: () => reader, carrier: kuaidi100.gateway, publisher: capturePublisher().factory });
    expect(await cancel(orderCancelledMessage({ orderId, from: 'FULFILLING' }), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(kuaidi100.calls.filter((c) => c.method === 'cancel')).toEqual([
      { method: 'cancel', param: { taskId: shipment.booking!.taskId, orderId: shipment.booking!.reference, cancelMsg: 'order cancelled' } },
    ]);
    expect((await repository.getOrder(orderId)).shipments[0]?.status).toBe('CANCELLED');
    const { Item } = await documentClient().send(new GetCommand({ TableName: tables.fulfillment, Key: { pk: `ORDER#${orderId}`, sk: `BOOKING#${shipment.shipmentId}` } }));
    expect(Item?.booking).toMatchObject({ provider: 'kuaidi100' });
  });
});

describe('cancellation without carrier bookings', () => {
  it('never asks for the carrier (its account is read only to cancel a booked pickup)', async () => {
    const { orderId } = await allocatedOrder({ catalog, repository, reader }, ['WH-EAST']);
    const result = await cancelFulfillment(
      {
        repository,
        catalog: reader,
        catalogTableName: tables.catalog,
        clock: { now: () => new Date() },
        carrier: () => Promise.reject(new Error('the carrier must not be resolved')),
        publisher: capturePublisher().factory,
      },
      {
        orderId,
        customerId: 'cust-ful',
        paymentMethod: 'card',
        from: 'FULFILLING',
        cancelledBy: 'customer',
        actor: 'cust-ful',
        reason: 'customer-request',
        total: { amount: 10_000, currency: 'CNY' },
        cancelledAt: new Date().toISOString(),
        correlationId: 'c',
      } as never,
    );
    expect(result).toMatchObject({ outcome: 'cancelled-after-allocation', shipmentsCancelled: 1 });
  });
});
