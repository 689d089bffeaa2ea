/**
 * The carrier port (FUL-3) and the sandbox carrier that stands in for every carrier in the dev
 * stage and in tests.
 *
 * - Booking: the sandbox issues a deterministic waybill per shipment id (`PX`/`SX`/`EP` + 10
 *   digits), so a retried booking returns the same waybill — what a real carrier's idempotent
 *   booking API (keyed by our shipment id) would do. A real carrier (carriers/kuaidi100-gateway.ts)
 *   is not idempotent: allocation records each booking and never books a shipment twice.
 * - The recipient: a booking gets a function that decrypts the order's recipient just in time
 *   (checkout's recipient contract). The sandbox never calls it; a real carrier calls it once and
 *   passes the result straight into its request — it is never logged, stored or returned.
 * - Tracking: a carrier later posts signed tracking events to `POST /webhooks/carriers`.
 *   {@link sandboxTrackingRequest} builds exactly such a request (body + `Carrier-Signature`
 *   header) — the e2e tests post it over HTTP the way a carrier would.
 */
import crypto from 'node:crypto';
import { CARRIER_SIGNATURE_HEADER, signCarrierPayload } from './domain/carrier-signature.ts';
import type { ShipmentException, ShipmentStatus } from './domain/shipment.ts';

/** What a carrier needs to book a pickup. Ids, weights and the goods category, no personal data. */
export interface BookingRequest {
  readonly shipmentId: string;
  readonly orderId: string;
  readonly carrier: string;
  readonly warehouseId: string;
  readonly region: string;
  readonly weightGrams: number;
  /** What is inside, for the label (categories, e.g. "apparel"). */
  readonly cargo: string;
  /**
   * `outbound` (default): from the warehouse to the order's recipient. `return` (AFT-1): a doorstep
   * pickup FROM the order's recipient (the sender, read just in time the same way) TO the warehouse.
   */
  readonly direction?: 'outbound' | 'return';
}

/** The recipient as printed on a label. Personal data: decrypted just in time, never kept. */
export interface Recipient {
  readonly name: string;
  readonly phone: string;
  /** Province, city, district and street as one printable line. */
  readonly printAddress: string;
}

/** Decrypts the order's recipient (checkout's recipient contract) — for a return pickup, the sender; called only by carriers that need it. */
export type RecipientSource = () => Promise<Recipient>;

/** A carrier's own reference to a booking (what cancelling it needs). */
export interface CarrierBooking {
  readonly provider: string;
  readonly taskId: string;
  readonly reference: string;
}

/** A booked pickup. */
export interface Booked {
  /**
   * The waybill, or until the carrier assigns one a provisional waybill (`K100-<reference>`) that
   * the carrier's order callback replaces (fulfillment keeps both lookups).
   */
  readonly waybill: string;
  readonly booking?: CarrierBooking;
}

/** The carrier port. */
export interface CarrierGateway {
  /** Which adapter this is (`sandbox`, `kuaidi100`). */
  readonly provider: string;
  /** Booking the same shipment id again returns the same booking (the sandbox); otherwise allocation records each booking. */
  readonly idempotent: boolean;
  /** Books a pickup. */
  book(request: BookingRequest, recipient: RecipientSource): Promise<Booked>;
  /** Cancels a booked pickup (the order was cancelled before pickup). */
  cancel(booking: CarrierBooking, reason: string): Promise<void>;
}

const PREFIXES: Readonly<Record<string, string>> = { 'premium-express': 'PX', 'standard-express': 'SX', 'economy-post': 'EP' };

/** The waybill prefix of a carrier id: `premium-express` → `PX`; unknown carriers: initials. */
export function waybillPrefix(carrier: string): string {
  return (
    PREFIXES[carrier] ??
    carrier
      .split('-')
      .map((p) => p.charAt(0).toUpperCase())
      .join('')
      .slice(0, 3)
  );
}

/** The sandbox's waybill for a shipment: prefix + 10 digits derived from the shipment id. */
export function sandboxWaybill(carrier: string, shipmentId: string): string {
  const n = crypto.createHash('sha256').update(`${carrier}|${shipmentId}`).digest().readBigUInt64BE(0) % 10_000_000_000n;
  return `${waybillPrefix(carrier)}${n.toString().padStart(10, '0')}`;
}

/** The sandbox carrier (dev stage, tests). */
export const sandboxCarrier: CarrierGateway = {
  provider: 'sandbox',
  idempotent: true,
  book: async (request) => ({ waybill: sandboxWaybill(request.carrier, request.shipmentId) }),
  cancel: async () => undefined,
};

/** A tracking event as carriers post it to `POST /webhooks/carriers`. */
export interface CarrierTrackingEvent {
  readonly eventId: string;
  readonly carrier: string;
  readonly waybill: string;
  readonly status: Exclude<ShipmentStatus, 'CREATED'>;
  readonly exception?: ShipmentException;
  readonly occurredAt: string;
}

/** A signed webhook request: the raw body and its headers. */
export interface SignedTrackingRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** Builds the signed request a carrier sends for `event` at `now`. */
export function sandboxTrackingRequest(event: CarrierTrackingEvent, secret: string, now: Date = new Date()): SignedTrackingRequest {
  const body = JSON.stringify(event);
  return { body, headers: { 'content-type': 'application/json', [CARRIER_SIGNATURE_HEADER]: signCarrierPayload(secret, body, Math.floor(now.getTime() / 1000)) } };
}
