/**
 * Which payment methods the configured provider can take (PAY-1). Pure. Checkout offers only these
 * (`GET /payment-methods`) and refuses any other with a 400 before anything is written — so a shop
 * on Stripe never accepts an order its provider would then decline.
 *
 * - `sandbox` (dev and the local cloud): card, wallet, bank transfer, cash on delivery.
 * - `stripe` (prod): card (PaymentIntents, manual capture at shipment), wallet — Alipay and WeChat
 *   Pay, Stripe's payment method types for Chinese shoppers, charged when the shopper completes the
 *   redirect or scans the QR code that `GET /orders/{orderId}/payment` shows (Stripe captures them
 *   at once: no manual capture) — and cash on delivery (no provider: collected by the carrier,
 *   reconciled against its remittances). Not bank transfer: Stripe's `customer_balance` needs a
 *   Stripe Customer per shopper and is not offered for CNY.
 */
import type { PaymentMethod } from '../../../events/common.ts';
import type { PaymentLimits } from './limits.ts';

/** Payment providers. */
export type ProviderName = 'sandbox' | 'stripe';

/** The methods each provider takes, in the order shoppers are offered them. */
export const PROVIDER_METHODS: Readonly<Record<ProviderName, readonly PaymentMethod[]>> = {
  sandbox: ['card', 'wallet', 'bank_transfer', 'cod'],
  stripe: ['card', 'wallet', 'cod'],
};

/** Wallets each provider takes under `wallet` (the token names which: a Stripe PaymentMethod of that type). */
export const PROVIDER_WALLETS: Readonly<Record<ProviderName, readonly string[]>> = {
  sandbox: ['sandbox-wallet'],
  stripe: ['alipay', 'wechat_pay'],
};

type How = { readonly needsToken: boolean; readonly charged: 'at-shipment' | 'on-arrival-of-funds' | 'on-delivery' };

/** How each method is paid, for shoppers. */
const HOW: Readonly<Record<PaymentMethod, How>> = {
  card: { needsToken: true, charged: 'at-shipment' },
  wallet: { needsToken: true, charged: 'at-shipment' },
  bank_transfer: { needsToken: false, charged: 'on-arrival-of-funds' },
  cod: { needsToken: false, charged: 'on-delivery' },
};

/** Where a provider charges a method differently: Stripe's wallets are captured when the shopper pays. */
const PROVIDER_HOW: Readonly<Partial<Record<ProviderName, Partial<Record<PaymentMethod, How>>>>> = {
  stripe: { wallet: { needsToken: true, charged: 'on-arrival-of-funds' } },
};

/** A method as offered to shoppers, with its limits (minor units). */
export interface OfferedMethod {
  readonly method: PaymentMethod;
  readonly needsToken: boolean;
  readonly charged: 'at-shipment' | 'on-arrival-of-funds' | 'on-delivery';
  /** For `wallet`: which wallets. */
  readonly wallets?: readonly string[];
  readonly perOrderMax: { readonly amount: number; readonly currency: string };
  readonly dailyMax: { readonly amount: number; readonly currency: string };
}

/** The methods offered under `provider`, with their limits. */
export function offeredMethods(provider: ProviderName, limits: PaymentLimits): OfferedMethod[] {
  return PROVIDER_METHODS[provider].map((method) => ({
    method,
    ...(PROVIDER_HOW[provider]?.[method] ?? HOW[method]),
    ...(method === 'wallet' ? { wallets: PROVIDER_WALLETS[provider] } : {}),
    perOrderMax: { amount: limits.perMethod[method].perOrderMax, currency: limits.currency },
    dailyMax: { amount: Math.min(limits.perMethod[method].dailyMax, limits.customerDailyMax), currency: limits.currency },
  }));
}

/** True when `provider` takes `method`. */
export function providerTakes(provider: ProviderName, method: PaymentMethod): boolean {
  return PROVIDER_METHODS[provider].includes(method);
}
