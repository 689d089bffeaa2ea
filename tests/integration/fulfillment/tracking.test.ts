/**
 * FUL-3, ORD-6 on DynamoDB Local: `POST /webhooks/carriers` — signatures and replay window,
 * duplicates and out-of-order events, order-level SHIPPED/DELIVERED exactly once across split
 * shipments, exceptions raising a problem order and a customer notification.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import type { ShipmentRecord } from '../../../functions/fulfillment/fulfillment-repository.ts';
import { signCarrierPayload } from '../../../functions/fulfillment/domain/carrier-signature.ts';
import { makeReceiveCarrierWebhookHandler } from '../../../functions/fulfillment/handlers/receive-carrier-webhook.ts';
import { SANDBOX_CARRIER_WEBHOOK_SECRET } from '../../../functions/fulfillment/settings.ts';
import { newId } from '../../../shared/ids.ts';
import { jsonBody, lambdaContext } from '../../support/http-events.ts';
import { allocatedOrder, capturePublisher, carrierWebhook, fulfillmentWorld, type FulfillmentWorld } from './fixtures.ts';

let { catalog, repository, reader } = {} as FulfillmentWorld;
beforeAll(async () => void ({ catalog, repository, reader } = await fulfillmentWorld()));

/** An allocated order with one shipment per listed warehouse. */
const allocated = (warehouses: string[], paymentMethod: 'card' | 'cod' = 'card') => allocatedOrder({ catalog, repository, reader }, warehouses, { paymentMethod });

function webhook() {
  const publisher = capturePublisher();
  const handler = makeReceiveCarrierWebhookHandler({ repository: () => repository, publisher: publisher.factory });
  const post = async (...args: Parameters<typeof carrierWebhook>) => {
    const result = await handler(carrierWebhook(...args).api, lambdaContext());
    return { status: result.statusCode, body: result.body ? jsonBody(result) : undefined };
  };
  return { publisher, handler, post };
}

describe('carrier webhooks (FUL-3)', () => {
  it('moves a shipment along; the order ships and is delivered exactly once; duplicates are acknowledged and change nothing', async () => {
    const { orderId, shipments } = await allocated(['WH-EAST']);
    const s = shipments[0] as ShipmentRecord;
    const { publisher, handler, post } = webhook();
    const pickedUp = carrierWebhook({ carrier: s.carrier, waybill: s.waybill, status: 'PICKED_UP' });

    const first = await handler(pickedUp.api, lambdaContext());
    expect(first.statusCode).toBe(200);
    expect(jsonBody(first)).toEqual({ received: true, outcome: 'applied', shipmentId: s.shipmentId, status: 'PICKED_UP' });
    const again = await handler(pickedUp.api, lambdaContext());
    expect(jsonBody(again)).toEqual({ received: true, outcome: 'duplicate' });
    expect(publisher.named('ShipmentStatusChanged')).toEqual([
      expect.objectContaining({ orderId, shipmentId: s.shipmentId, from: 'CREATED', to: 'PICKED_UP', waybill: s.waybill }),
    ]);
    expect(publisher.named('OrderShipped')).toEqual([{ orderId, shipmentIds: [s.shipmentId], shippedAt: pickedUp.event.occurredAt }]);

    for (const status of ['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED'] as const) expect((await post({ carrier: s.carrier, waybill: s.waybill, status })).status).toBe(200);
    expect(publisher.named('OrderShipped')).toHaveLength(1);
    expect(publisher.named('OrderDelivered')).toEqual([{ orderId, shipmentIds: [s.shipmentId], deliveredAt: expect.any(String) }]);
    const { summary, shipments: after } = await repository.getOrder(orderId);
    expect(summary).toMatchObject({ shippedAt: expect.any(String), deliveredAt: expect.any(String) });
    expect(after[0]?.history.map((h) => h.status)).toEqual(['CREATED', 'PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED']);
  });

  it('out of order: DELIVERED first ships and delivers the order at once; late IN_TRANSIT is ignored', async () => {
    const { orderId, shipments } = await allocated(['WH-NORTH'], 'cod');
    const s = shipments[0] as ShipmentRecord;
    const { publisher, post } = webhook();
    expect((await post({ carrier: s.carrier, waybill: s.waybill, status: 'DELIVERED' })).body).toMatchObject({ outcome: 'applied', status: 'DELIVERED' });
    expect(publisher.published.map((e) => e.definition.name)).toEqual(['ShipmentStatusChanged', 'OrderShipped', 'OrderDelivered']);
    expect((await post({ carrier: s.carrier, waybill: s.waybill, status: 'IN_TRANSIT' })).body).toEqual({
      received: true,
      outcome: 'ignored',
      shipmentId: s.shipmentId,
      ignoredReason: 'already-delivered',
    });
    expect(publisher.published).toHaveLength(3);
    expect((await repository.getOrder(orderId)).shipments[0]?.status).toBe('DELIVERED');
  });

  it('split shipments: SHIPPED only when both have left, DELIVERED only when both arrived', async () => {
    const { orderId, shipments } = await allocated(['WH-EAST', 'WH-SOUTH']);
    const [a, b] = shipments as [ShipmentRecord, ShipmentRecord];
    const { publisher, post } = webhook();
    await post({ carrier: a.carrier, waybill: a.waybill, status: 'PICKED_UP' });
    expect(publisher.named('OrderShipped')).toHaveLength(0);
    await post({ carrier: a.carrier, waybill: a.waybill, status: 'DELIVERED' });
    expect(publisher.named('OrderShipped')).toHaveLength(0);
    await post({ carrier: b.carrier, waybill: b.waybill, status: 'IN_TRANSIT' });
    expect(publisher.named('OrderShipped')).toEqual(
      [{ orderId, shipmentIds: [a.shipmentId, b.shipmentId].sort(), shippedAt: expect.any(String) }].map((e) => ({ ...e, shipmentIds: expect.arrayContaining(e.shipmentIds) })),
    );
    expect(publisher.named('OrderDelivered')).toHaveLength(0);
    await post({ carrier: b.carrier, waybill: b.waybill, status: 'DELIVERED' });
    expect(publisher.named('OrderDelivered')).toHaveLength(1);
    expect(publisher.named('OrderShipped')).toHaveLength(1);
  });

  it('concurrent events of the two shipments of one order: exactly one OrderShipped', async () => {
    const { shipments } = await allocated(['WH-EAST', 'WH-NORTH']);
    const { publisher, post } = webhook();
    const results = await Promise.all(shipments.map((s) => post({ carrier: s.carrier, waybill: s.waybill, status: 'PICKED_UP' })));
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(publisher.named('OrderShipped')).toHaveLength(1);
  });

  it('undeliverable address → EXCEPTION, a problem order and a customer notification (ORD-6)', async () => {
    const { orderId, shipments } = await allocated(['WH-EAST']);
    const s = shipments[0] as ShipmentRecord;
    const { publisher, post } = webhook();
    await post({ carrier: s.carrier, waybill: s.waybill, status: 'IN_TRANSIT' });
    expect((await post({ carrier: s.carrier, waybill: s.waybill, status: 'EXCEPTION', exception: 'undeliverable-address' })).body).toMatchObject({
      outcome: 'applied',
      status: 'EXCEPTION',
    });
    expect(publisher.named('ShipmentStatusChanged').at(-1)).toMatchObject({ from: 'IN_TRANSIT', to: 'EXCEPTION', exception: 'undeliverable-address' });
    expect(publisher.named('ProblemOrderRaised')).toEqual([
      { orderId, problem: 'undeliverable-address', shipmentId: s.shipmentId, raisedBy: 'fulfillment', raisedAt: expect.any(String) },
    ]);
    expect(publisher.named('CustomerNotificationRequested')).toEqual([expect.objectContaining({ customerId: 'cust-ful', orderId, template: 'delivery-problem' })]);
    expect(publisher.named('OrderDelivered')).toHaveLength(0);
  });

  it.each<[string, Parameters<typeof carrierWebhook>[1], number]>([
    ['no signature', { signature: '' }, 401],
    ['a malformed signature', { signature: 't=abc,v1=zz' }, 401],
    ['a wrong secret', { secret: 'someone-elses-secret-0000' }, 401],
    ['a request older than 5 minutes (replay)', { now: new Date(Date.now() - 6 * 60_000) }, 401],
    ['a timestamp from the future', { now: new Date(Date.now() + 6 * 60_000) }, 401],
  ])('refuses %s (401) and writes nothing', async (_name, options, status) => {
    const { orderId, shipments } = await allocated(['WH-EAST']);
    const s = shipments[0] as ShipmentRecord;
    const { handler, publisher } = webhook();
    const result = await handler(carrierWebhook({ carrier: s.carrier, waybill: s.waybill, status: 'PICKED_UP' }, options).api, lambdaContext());
    expect(result.statusCode).toBe(status);
    expect(result.headers?.['content-type']).toContain('application/problem+json');
    expect(publisher.published).toHaveLength(0);
    expect((await repository.getOrder(orderId)).shipments[0]?.status).toBe('CREATED');
  });

  it('bad input is a 4xx problem, never a 5xx', async () => {
    const { handler } = webhook();
    const { shipments } = await allocated(['WH-EAST']);
    const s = shipments[0] as ShipmentRecord;
    const unknownWaybill = await handler(carrierWebhook({ carrier: s.carrier, waybill: 'PX0000000000', status: 'PICKED_UP' }).api, lambdaContext());
    expect(unknownWaybill.statusCode).toBe(404);
    const wrongCarrier = await handler(
      carrierWebhook({ carrier: s.carrier === 'economy-post' ? 'standard-express' : 'economy-post', waybill: s.waybill, status: 'PICKED_UP' }).api,
      lambdaContext(),
    );
    expect(wrongCarrier.statusCode).toBe(404);
    const invalid = await handler(carrierWebhook({ carrier: s.carrier, waybill: s.waybill, status: 'EXCEPTION' }).api, lambdaContext());
    expect(invalid.statusCode).toBe(400);
    expect(jsonBody(invalid)).toMatchObject({ errors: [expect.objectContaining({ path: 'body.exception' })] });
    const unknownCarrier = await handler(carrierWebhook({ carrier: 'pigeon-post', waybill: s.waybill, status: 'PICKED_UP' }).api, lambdaContext());
    expect(unknownCarrier.statusCode).toBe(401);
    // Signed bodies that are not JSON, or empty, are 400s (the signature is checked first: webhook-hardening.test.ts).
    const signedAs = (body: string | null) => {
      const api = carrierWebhook({ carrier: s.carrier, waybill: s.waybill, status: 'PICKED_UP' }).api;
      return { ...api, body, headers: { ...api.headers, 'carrier-signature': signCarrierPayload(SANDBOX_CARRIER_WEBHOOK_SECRET, body ?? '', Math.floor(Date.now() / 1000)) } };
    };
    expect((await handler(signedAs('{not json'), lambdaContext())).statusCode).toBe(400);
    expect((await handler(signedAs(null), lambdaContext())).statusCode).toBe(400);
    expect((await repository.getOrder(s.orderId)).shipments[0]?.status).toBe('CREATED');
  });
});

describe('sandbox carrier tracking feed (dev stage)', () => {
  it('ops schedule a report; when due, the sandbox carrier signs it and the webhook use case applies it', async () => {
    const { makePostSandboxCarrierEventHandler } = await import('../../../functions/fulfillment/handlers/post-sandbox-carrier-event.ts');
    const { makeDeliverSandboxCarrierEventsHandler } = await import('../../../functions/fulfillment/handlers/deliver-sandbox-carrier-events.ts');
    const { sqsEvent, sqsRecord, apiEvent, claimsFor } = await import('../../support/http-events.ts');
    const { orderId, shipments } = await allocated(['WH-EAST']);
    const s = shipments[0] as ShipmentRecord;
    const sent: Array<{ body: string; delaySeconds: number }> = [];
    const post = makePostSandboxCarrierEventHandler({
      repository: () => repository,
      queue: () => ({ send: async (report, delaySeconds) => void sent.push({ body: JSON.stringify(report), delaySeconds }) }),
    });
    const request = (body: unknown, key = newId()) =>
      post(
        apiEvent({
          method: 'POST',
          path: '/admin/sandbox-carrier/events',
          resource: '/admin/sandbox-carrier/events',
          claims: claimsFor('ops-1', 'ops'),
          headers: { 'Idempotency-Key': key },
          body,
        }),
        lambdaContext(),
      );

    expect((await request({ waybill: 'PX9999999999', status: 'PICKED_UP' })).statusCode).toBe(404);
    expect((await request({ waybill: s.waybill, status: 'EXCEPTION' })).statusCode).toBe(400);
    const scheduled = await request({ waybill: s.waybill, status: 'EXCEPTION', exception: 'undeliverable-address', delaySeconds: 120 });
    expect(scheduled.statusCode).toBe(202);
    expect(jsonBody(scheduled)).toMatchObject({ carrier: s.carrier, waybill: s.waybill, status: 'EXCEPTION', exception: 'undeliverable-address' });
    expect(sent).toEqual([{ body: expect.any(String), delaySeconds: 120 }]);

    const publisher = capturePublisher();
    const deliver = makeDeliverSandboxCarrierEventsHandler({ repository: () => repository, publisher: publisher.factory });
    const message = sqsEvent(sqsRecord(sent[0]?.body));
    expect(await deliver(message, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await deliver(message, lambdaContext())).toEqual({ batchItemFailures: [] }); // redelivery: a duplicate
    expect(publisher.named('ProblemOrderRaised')).toEqual([expect.objectContaining({ orderId, problem: 'undeliverable-address' })]);
    expect((await repository.getOrder(orderId)).shipments[0]).toMatchObject({ status: 'EXCEPTION', exception: 'undeliverable-address' });
  });
});
