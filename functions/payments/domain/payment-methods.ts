/**
 * Which payment methods the configured provider can take (PAY-1). Pure. Checkout offers only these
 * (`GET /payment-methods`) and refuses any other with a 400 before anything is written — so a shop
 * on Stripe never accepts an order its provider would then decline.
 *
 * - `sandbox` (dev and the local cloud): card, wallet, bank transfer, cash on delivery.
 * - `stripe` (prod): card (PaymentIntents, manual capture at shipment) and cash on delivery (no
 *   provider: collected by the carrier, reconciled against its remittances). Not yet: Alipay and
 *   WeChat Pay (Stripe takes them only with automatic capture and a redirect or QR step the order
 *   API does not relay), and bank transfer (Stripe's `customer_balance` needs a Stripe Customer per
 *   shopper).
 */
import type { PaymentMethod } from '../../../events/common.ts';
import type { PaymentLimits } from './limits.ts';

/** Payment providers. */
export type ProviderName = 'sandbox' | 'stripe';

/** The methods each provider takes, in the order shoppers are offered them. */
export const PROVIDER_METHODS: Readonly<Record<ProviderName, readonly PaymentMethod[]>> = {
  sandbox: ['card', 'wallet', 'bank_transfer', 'cod'],
  stripe: ['card', 'cod'],
};

/** How each method is paid, for shoppers. */
const HOW: Readonly<Record<PaymentMethod, { readonly needsToken: boolean; readonly charged: 'at-shipment' | 'on-arrival-of-funds' | 'on-delivery' }>> = {
  card: { needsToken: true, charged: 'at-shipment' },
  wallet: { needsToken: true, charged: 'at-shipment' },
  bank_transfer: { needsToken: false, charged: 'on-arrival-of-funds' },
  cod: { needsToken: false, charged: 'on-delivery' },
};

/** A method as offered to shoppers, with its limits (minor units). */
export interface OfferedMethod {
  readonly method: PaymentMethod;
  readonly needsToken: boolean;
  readonly charged: 'at-shipment' | 'on-arrival-of-funds' | 'on-delivery';
  readonly perOrderMax: { readonly amount: number; readonly currency: string };
  readonly dailyMax: { readonly amount: number; readonly currency: string };
}

/** The methods offered under `provider`, with their limits. */
export function offeredMethods(provider: ProviderName, limits: PaymentLimits): OfferedMethod[] {
  return PROVIDER_METHODS[provider].map((method) => ({
    method,
    ...HOW[method],
    perOrderMax: { amount: limits.perMethod[method].perOrderMax, currency: limits.currency },
    dailyMax: { amount: Math.min(limits.perMethod[method].dailyMax, limits.customerDailyMax), currency: limits.currency },
  }));
}

/** True when `provider` takes `method`. */
export function providerTakes(provider: ProviderName, method: PaymentMethod): boolean {
  return PROVIDER_METHODS[provider].includes(method);
}
