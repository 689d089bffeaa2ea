/**
 * The carrier port on Kuaidi100 (FUL-3): what allocation books with in stages whose carrier is
 * `kuaidi100` (infra/stage.ts; prod). Our carrier ids stay service levels (the carrier rules pick
 * `premium-express`, `standard-express`, `economy-post`); the merchant account says which Kuaidi100
 * carrier serves each ({@link DEFAULT_KUAIDI100_SERVICES} unless `services` overrides), and which
 * sender each warehouse prints on its labels.
 *
 * - Booking asks for the recipient (checkout's recipient contract, decrypted just in time) and
 *   passes it straight into the request; the answer keeps only Kuaidi100's task and order ids and
 *   the waybill. When the carrier has not assigned a waybill yet, the shipment is booked under the
 *   provisional waybill `K100-<Kuaidi100 order id>` until the order callback brings the real one
 *   (kuaidi100-callbacks.ts).
 * - Booking is not idempotent at Kuaidi100, so allocation records every booking and never books a
 *   shipment twice (allocate-order.ts).
 * - Cancelling a pickup Kuaidi100 refuses to cancel (already cancelled, or picked up meanwhile) is
 *   not retried: fulfillment's state decides what happens to the parcel.
 */
import { nodeHttpSend } from '../../../shared/http-client.ts';
import { stageSecret, type StageSecretOptions } from '../../../shared/secrets.ts';
import { ConfigError } from '../../../shared/config.ts';
import type { CarrierGateway } from '../carrier-gateway.ts';
import { Kuaidi100AccountSchema, type FulfillmentSettings, type Kuaidi100AccountSettings } from '../settings.ts';
import { Kuaidi100Carrier, Kuaidi100RequestError, type FormPoster } from './kuaidi100.ts';

/** Which Kuaidi100 carrier serves each of our carrier ids, unless the account says otherwise. */
export const DEFAULT_KUAIDI100_SERVICES: Readonly<Record<string, string>> = {
  'premium-express': 'sf-express',
  'standard-express': 'zto-express',
  'economy-post': 'ems',
};

/** The waybill a shipment is booked under until the carrier assigns its own. */
export function provisionalWaybill(kuaidi100OrderId: string): string {
  return `K100-${kuaidi100OrderId}`;
}

/** The gateway on a Kuaidi100 merchant account. */
export function kuaidi100Gateway(account: Kuaidi100AccountSettings, post: FormPoster, now: () => number = Date.now): CarrierGateway {
  const client = new Kuaidi100Carrier(account, post, now);
  const services = { ...DEFAULT_KUAIDI100_SERVICES, ...(account.services ?? {}) };
  return {
    provider: 'kuaidi100',
    idempotent: false,
    async book(request, recipientSource) {
      const sender = account.senders[request.warehouseId] ?? account.senders.default;
      if (!sender) throw new Kuaidi100RequestError(`no sender configured for warehouse ${request.warehouseId} (senders.${request.warehouseId} or senders.default)`, 'no-sender');
      const recipient = await recipientSource();
      const customer = { name: recipient.name, mobile: recipient.phone, printAddress: recipient.printAddress };
      // AFT-1: a return pickup goes from the customer's door to the warehouse, paid by us on arrival.
      const returning = request.direction === 'return';
      const booked = await client.book({
        carrier: services[request.carrier] ?? request.carrier,
        shipmentId: request.shipmentId,
        recipient: returning ? sender : customer,
        sender: returning ? customer : sender,
        ...(returning ? { payer: 'CONSIGNEE' as const } : {}),
        cargo: request.cargo,
        weightGrams: request.weightGrams,
      });
      return { waybill: booked.waybill ?? provisionalWaybill(booked.orderId), booking: { provider: 'kuaidi100', taskId: booked.taskId, reference: booked.orderId } };
    },
    async cancel(booking, reason) {
      try {
        await client.cancel({ taskId: booking.taskId, orderId: booking.reference }, reason);
      } catch (error) {
        if (error instanceof Kuaidi100RequestError) return; // refused: already cancelled or picked up
        throw error;
      }
    },
  };
}

/** The HTTP client: a form POST over `node:https` (shared/http-client.ts) with a 5-second timeout. */
export const httpFormPoster: FormPoster = async (url, form) => {
  const body = new URLSearchParams({ ...form }).toString();
  const response = await nodeHttpSend(new URL(url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', 'content-length': String(Buffer.byteLength(body)) },
    body,
    timeoutMs: 5_000,
  });
  return { status: response.status, body: response.body };
};

/** The Kuaidi100 merchant account of this stage (Secrets Manager; inline only in the local cloud and tests). */
export function kuaidi100Account(
  settings: Pick<FulfillmentSettings, 'kuaidi100AccountSecretId' | 'localKuaidi100Account'>,
  options?: StageSecretOptions,
): Promise<Kuaidi100AccountSettings> {
  return stageSecret(
    {
      what: 'the Kuaidi100 merchant account',
      idVariable: 'KUAIDI100_ACCOUNT_SECRET_ID',
      secretId: settings.kuaidi100AccountSecretId,
      schema: Kuaidi100AccountSchema(),
      local: () => {
        if (!settings.localKuaidi100Account) throw new ConfigError('KUAIDI100_ACCOUNT is not set: the local cloud and tests give the Kuaidi100 account inline');
        return settings.localKuaidi100Account;
      },
    },
    options,
  );
}
