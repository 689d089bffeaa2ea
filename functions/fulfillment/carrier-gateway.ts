/**
 * The carrier port (FUL-3) and the sandbox carrier that stands in for every carrier in the dev
 * stage and in tests.
 *
 * - Booking: the sandbox issues a deterministic waybill per shipment id (`PX`/`SX`/`EP` + 10
 *   digits), so a retried booking returns the same waybill — what a real carrier's idempotent
 *   booking API (keyed by our shipment id) would do.
 * - Tracking: a carrier later posts signed tracking events to `POST /webhooks/carriers`.
 *   {@link sandboxTrackingRequest} builds exactly such a request (body + `Carrier-Signature`
 *   header) — the e2e tests post it over HTTP the way a carrier would.
 */
import crypto from 'node:crypto';
import { CARRIER_SIGNATURE_HEADER, signCarrierPayload } from './domain/carrier-signature.ts';
import type { ShipmentException, ShipmentStatus } from './domain/shipment.ts';

/** What a carrier needs to book a pickup. Ids and weights only, no personal data. */
export interface BookingRequest {
  readonly shipmentId: string;
  readonly carrier: string;
  readonly warehouseId: string;
  readonly region: string;
  readonly weightGrams: number;
}

/** The carrier port. */
export interface CarrierGateway {
  /** Books a pickup; idempotent per shipment id. */
  book(request: BookingRequest): Promise<{ waybill: string }>;
}

const PREFIXES: Readonly<Record<string, string>> = { 'premium-express': 'PX', 'standard-express': 'SX', 'economy-post': 'EP' };

/** The waybill prefix of a carrier id: `premium-express` → `PX`; unknown carriers: initials. */
export function waybillPrefix(carrier: string): string {
  return PREFIXES[carrier] ?? carrier.split('-').map((p) => p.charAt(0).toUpperCase()).join('').slice(0, 3);
}

/** The sandbox's waybill for a shipment: prefix + 10 digits derived from the shipment id. */
export function sandboxWaybill(carrier: string, shipmentId: string): string {
  const n = crypto.createHash('sha256').update(`${carrier}|${shipmentId}`).digest().readBigUInt64BE(0) % 10_000_000_000n;
  return `${waybillPrefix(carrier)}${n.toString().padStart(10, '0')}`;
}

/** The sandbox carrier (dev stage, tests). */
export const sandboxCarrier: CarrierGateway = {
  book: async (request) => ({ waybill: sandboxWaybill(request.carrier, request.shipmentId) }),
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
