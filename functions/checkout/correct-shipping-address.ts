/**
 * Use case (ORD-6): the customer corrects an order's shipping address before it is approved
 * (`PUT /orders/{orderId}/shipping-address`), and fraud re-assesses it.
 *
 * 1. The address is checked like at placement (shippingAddressIssues: province or region, a zone
 *    the shop ships to, mainland phone and postcode, no card number): 400, nothing changes.
 * 2. Only the order's customer (anyone else gets a 404) and only while the order is PLACED or
 *    IN_REVIEW — an approved order is allocated at once — and at most 3 times: 409 otherwise.
 * 3. A new zone must not change what the customer pays: shipping is priced by zone, so a correction
 *    to a zone with another fee is a 409 (cancel and order again); free shipping stays free.
 * 4. The address fields are encrypted under the order (the contact email's ciphertext is kept as
 *    is); the order's zone changes (allocation plans from it); the timeline notes the correction;
 *    `OrderAddressCorrected` carries the zone and keyed hashes of the address and phone to fraud —
 *    in the same transaction (the outbox).
 * 5. Until fraud's re-assessment arrives the order is not approved, even once its payment is
 *    authorised (domain/order.ts `addressCorrection.awaitingRisk`).
 */
import type { Principal } from '../../shared/auth.ts';
import { compare } from '../../shared/money.ts';
import { changeOrder, type ChangeOrderDeps } from './change-order.ts';
import type { Order } from './domain/order.ts';
import { toOrderView, type OrderView } from './domain/order-view.ts';
import { shippingAddressIssues, shippingZone, type AddressInput } from './domain/order-request.ts';
import { shippingFee, type ShippingRates } from './domain/pricing.ts';
import { encryptPersonalData, optionalPersonal, personalDataOf, readablePersonalData, type PersonalDataCipher } from './personal-data.ts';
import { keyedHash, normaliseAddress, normalisePhone } from './risk-signals.ts';
import { AddressNotCorrectableError, CheckoutNotFoundError, InvalidCheckoutRequestError } from './domain/checkout-errors.ts';

/** Ports and settings. */
export interface CorrectAddressDeps extends ChangeOrderDeps {
  readonly cipher: PersonalDataCipher;
  readonly riskSignalKey: () => Promise<string>;
  readonly regions: readonly string[];
  readonly shippingRates: ShippingRates;
}

/** Who corrects which order to what. */
export interface CorrectAddressCommand {
  readonly orderId: string;
  readonly principal: Principal;
  readonly address: AddressInput;
  readonly correlationId: string;
}

function notCorrectable(detail: string): AddressNotCorrectableError {
  return new AddressNotCorrectableError(detail);
}

const erased = () => notCorrectable('This order’s personal data was erased; it has no address to correct.');

/** The fee the order would pay to `zone`: free shipping stays free, else the zone's rate for the order's weight. */
function feeTo(order: Order, zone: string, rates: ShippingRates) {
  if (order.shippingFee.amount === 0) return order.shippingFee;
  const weight = order.lines.reduce((sum, l) => sum + l.weightGrams, 0);
  return shippingFee(rates, zone, weight, order.currency);
}

/** Corrects the address; returns the order as its customer sees it. */
export async function correctShippingAddress(deps: CorrectAddressDeps, command: CorrectAddressCommand): Promise<OrderView> {
  const { address } = command;
  const issues = shippingAddressIssues(address, deps.regions);
  if (issues.length > 0) throw new InvalidCheckoutRequestError(issues);
  const missing = () => new CheckoutNotFoundError(`There is no order ${command.orderId}.`);

  const current = await deps.orders.getOrder(command.orderId);
  if (!current || current.customerId !== command.principal.userId) throw missing();
  const zone = shippingZone(address);
  if (zone !== current.shippingRegion && compare(feeTo(current, zone, deps.shippingRates), current.shippingFee) !== 0) {
    throw notCorrectable(
      `Shipping to ${zone} costs ${feeTo(current, zone, deps.shippingRates).amount} fen, not the ${current.shippingFee.amount} this order was priced with; cancel it and order again.`,
    );
  }

  // The record is sealed whole: open it, replace the address, keep the contact email, seal it again.
  const held = await readablePersonalData(deps.cipher, command.orderId, current.personal);
  if (!held) throw erased();
  const personal = await encryptPersonalData(deps.cipher, command.orderId, current.customerId, personalDataOf(address, held.email));
  const key = await deps.riskSignalKey();
  const riskSignals = { addressHash: keyedHash(key, 'address', normaliseAddress(address)), phoneHash: keyedHash(key, 'phone', normalisePhone(address.phone)) };

  const result = await changeOrder(deps, {
    orderId: command.orderId,
    fact: { type: 'CorrectAddress', actor: command.principal.userId, personal, shippingRegion: zone, riskSignals },
    correlationId: command.correlationId,
    guard: (order) => {
      if (order.customerId !== command.principal.userId) throw missing();
    },
  });
  if (result.outcome === 'not-found') throw missing();
  if (result.outcome === 'ignored') {
    if (result.reason.startsWith('erased')) throw erased();
    throw notCorrectable(
      result.reason.startsWith('correction-limit')
        ? 'This order’s address was corrected as often as allowed; cancel it and order again, or contact customer service.'
        : `The order is ${result.order.status}: its address can be corrected only before it is approved for shipping.`,
    );
  }
  const found = await deps.orders.get(command.orderId);
  if (!found) throw missing();
  return toOrderView(found.order, found.timeline, { reader: 'customer', ...optionalPersonal(await readablePersonalData(deps.cipher, command.orderId, found.order.personal)) });
}
