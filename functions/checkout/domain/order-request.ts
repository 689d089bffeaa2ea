/**
 * The rules an order request must meet beyond its JSON shape (SEC-5, PAY-1, ORD-5): limits from
 * settings, known regions, payment tokens, no card numbers anywhere. Pure: returns the offending
 * fields (paths and messages, never values).
 */
import { isChinesePhone, isChinesePostcode, provinceOf } from './china-regions.ts';
import type { OrderType, PaymentMethod } from './order.ts';

/** An offending field. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** A line of a request. */
export interface RequestedItem {
  readonly sku: string;
  readonly quantity: number;
}

/** The shipping address as sent (API.md). */
export interface AddressInput {
  readonly name: string;
  readonly phone: string;
  readonly line1: string;
  readonly line2?: string;
  /** Mainland addresses: the provincial-level division as written (浙江省 or 浙江); the zone is derived from it. */
  readonly province?: string;
  readonly city: string;
  /** Mainland addresses: district or county (西湖区). */
  readonly district?: string;
  /** The shipping zone (catalog's regions); optional when a province is given (kept for existing clients). */
  readonly region?: string;
  readonly postalCode: string;
  readonly country: string;
}

/** Where an address's parcel goes, for pricing and allocation: its zone. */
export interface ZoneAddress {
  readonly province?: string;
  readonly region?: string;
}

/** The shipping zone of an (acceptable) address: from its province, else its region. */
export function shippingZone(address: ZoneAddress): string {
  const fromProvince = address.province !== undefined ? provinceOf(address.province)?.zone : undefined;
  return fromProvince ?? (address.region as string);
}

/**
 * What is wrong with where an address points (empty when acceptable): a region or a province is
 * needed; a province must be one of the 34 divisions; a region given with it must be its zone; the
 * zone must be one the store ships to. Mainland (CN) addresses also need a mainland phone number and
 * a six-digit postcode when those are given.
 */
export function addressIssues(
  address: ZoneAddress & { phone?: string; postalCode?: string; country?: string },
  regions: readonly string[],
  path = 'body.shippingAddress',
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const province = address.province !== undefined ? provinceOf(address.province) : undefined;
  if (address.province !== undefined && !province) issues.push({ path: `${path}.province`, message: 'Must be a provincial-level division of China, e.g. 浙江省 or 浙江' });
  else if (province && address.region !== undefined && address.region !== province.zone)
    issues.push({ path: `${path}.region`, message: `${province.name} is in the ${province.zone} zone; leave region out or send ${province.zone}` });
  else if (!province && address.region === undefined) issues.push({ path: `${path}.province`, message: 'A province (or, for existing clients, a region) is required' });
  else if (!regions.includes(shippingZone(address))) issues.push({ path: `${path}.region`, message: `Must be one of: ${regions.join(', ')}` });
  if (address.country === 'CN') {
    if (address.phone !== undefined && !isChinesePhone(address.phone))
      issues.push({ path: `${path}.phone`, message: 'Must be a mainland phone number: a mobile (13x–19x, 11 digits) or a landline with its area code' });
    if (address.postalCode !== undefined && !isChinesePostcode(address.postalCode)) issues.push({ path: `${path}.postalCode`, message: 'Must be a six-digit postcode' });
  }
  return issues;
}

/** What is wrong with a full shipping address (where it points, and no card number in its free text). */
export function shippingAddressIssues(address: AddressInput, regions: readonly string[], path = 'body.shippingAddress'): FieldIssue[] {
  const issues = addressIssues(address, regions, path);
  // No card numbers in free text (a PAN pasted into an address line is still a PAN).
  const texts: Array<[string, string | undefined]> = [
    [`${path}.name`, address.name],
    [`${path}.line1`, address.line1],
    [`${path}.line2`, address.line2],
    [`${path}.city`, address.city],
    [`${path}.district`, address.district],
    [`${path}.postalCode`, address.postalCode],
  ];
  for (const [at, value] of texts) {
    if (value !== undefined && containsCardNumber(value)) issues.push({ path: at, message: 'Must not contain a card number' });
  }
  return issues;
}

/** `POST /orders` body (API.md, plus optional `orderType` and `billingRegion`). */
export interface OrderRequest {
  readonly items: readonly RequestedItem[];
  readonly couponCode?: string;
  readonly shippingAddress: AddressInput;
  readonly contactEmail: string;
  readonly payment: { readonly method: PaymentMethod; readonly token?: string };
  readonly orderType?: OrderType;
  /** A group-buy order (ORD-5): the code of the group to join; without one the order opens a group. */
  readonly groupBuy?: { readonly code?: string };
  readonly billingRegion?: string;
}

/** Limits and known values. */
export interface RequestRules {
  readonly regions: readonly string[];
  readonly maxOrderLines: number;
  readonly maxLineQuantity: number;
}

/** A provider token: `tok_` (a card token) or `pm_` (a Stripe PaymentMethod: a saved card, Alipay, WeChat Pay) and 1–64 letters, digits or `_`. */
export const PAYMENT_TOKEN_PATTERN = /^(tok|pm)_[A-Za-z0-9_]{1,64}$/;

/** Luhn check of a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * True when `text` contains something that looks like a card number (PAN): 13–19 digits, optionally
 * grouped by spaces or hyphens, passing the Luhn check. Card numbers never reach the platform (PAY-1).
 */
export function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(/\d(?:[ -]?\d){12,18}/g)) {
    const digits = match[0].replace(/\D/g, '');
    for (let length = 19; length >= 13; length--) {
      for (let start = 0; start + length <= digits.length; start++) {
        if (luhnValid(digits.slice(start, start + length))) return true;
      }
    }
  }
  return false;
}

/** Checks the basket part (shared by quotes and orders). */
export function basketIssues(items: readonly RequestedItem[], rules: Pick<RequestRules, 'maxOrderLines' | 'maxLineQuantity'>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (items.length === 0) issues.push({ path: 'body.items', message: 'At least one item is required' });
  if (items.length > rules.maxOrderLines)
    issues.push({ path: 'body.items', message: `At most ${rules.maxOrderLines} different items per order; split a larger basket into several orders` });
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.sku)) issues.push({ path: `body.items[${i}].sku`, message: 'Each SKU may appear once; add up the quantities' });
    seen.add(item.sku);
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1 || item.quantity > rules.maxLineQuantity) {
      issues.push({ path: `body.items[${i}].quantity`, message: `Must be a whole number from 1 to ${rules.maxLineQuantity}` });
    }
  });
  return issues;
}

/** Every issue of an order request (empty when it is acceptable). */
export function orderRequestIssues(request: OrderRequest, rules: RequestRules): FieldIssue[] {
  const issues = basketIssues(request.items, rules);
  issues.push(...shippingAddressIssues(request.shippingAddress, rules.regions));
  if (request.billingRegion !== undefined && !rules.regions.includes(request.billingRegion))
    issues.push({ path: 'body.billingRegion', message: `Must be one of: ${rules.regions.join(', ')}` });
  if (request.orderType === 'group-buy' && request.items.length > 1) issues.push({ path: 'body.items', message: 'A group-buy order buys one SKU; order other items separately' });
  if (request.groupBuy !== undefined && request.orderType !== 'group-buy') issues.push({ path: 'body.groupBuy', message: 'Only for orderType group-buy' });

  const { method, token } = request.payment;
  if (token !== undefined && containsCardNumber(token)) {
    issues.push({ path: 'body.payment.token', message: 'Card numbers are never accepted; send the payment provider’s token' });
  } else if (method === 'card' || method === 'wallet') {
    if (token === undefined) issues.push({ path: 'body.payment.token', message: `A ${method} payment needs the provider’s token (tok_… or pm_…)` });
    else if (!PAYMENT_TOKEN_PATTERN.test(token)) issues.push({ path: 'body.payment.token', message: 'Must be a provider token like tok_… or pm_…' });
  } else if (token !== undefined) {
    issues.push({ path: 'body.payment.token', message: `A ${method} payment takes no token` });
  }

  // No card numbers in the other free text either.
  const texts: Array<[string, string | undefined]> = [
    ['body.contactEmail', request.contactEmail],
    ['body.couponCode', request.couponCode],
  ];
  for (const [path, value] of texts) {
    if (value !== undefined && containsCardNumber(value)) issues.push({ path, message: 'Must not contain a card number' });
  }
  return issues;
}
