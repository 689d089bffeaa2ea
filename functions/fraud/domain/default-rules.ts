/**
 * The built-in rule set (RISK-2): used while the RiskTable holds no rules, and written to it as
 * version 1 by the demo seeder or by the first staff change (so the defaults stay in force next to
 * what staff add). Staff change any of them through the admin API; nothing here is hard-wired in
 * the evaluation. Amounts are minor units (fen): 200_000 = 2,000.00 CNY.
 */
import type { RuleDefinition } from './rules.ts';

/** The default rules, in evaluation order. */
export const DEFAULT_RULES: readonly RuleDefinition[] = Object.freeze([
  // Blocks (priority 10–19): decisive, see scoring.ts.
  {
    id: 'disposable-email',
    description: 'Contact email on a disposable-email domain',
    priority: 10,
    enabled: true,
    condition: 'disposableEmail or blocklistedEmailDomain',
    effect: { type: 'action', action: 'block' },
  },
  {
    id: 'blocklisted-email',
    description: 'Email address on the blocklist',
    priority: 11,
    enabled: true,
    condition: 'blocklistedEmail',
    effect: { type: 'action', action: 'block' },
  },
  {
    id: 'blocklisted-phone',
    description: 'Phone number on the blocklist',
    priority: 12,
    enabled: true,
    condition: 'blocklistedPhone',
    effect: { type: 'action', action: 'block' },
  },
  {
    id: 'blocklisted-address',
    description: 'Shipping address on the blocklist',
    priority: 13,
    enabled: true,
    condition: 'blocklistedAddress',
    effect: { type: 'action', action: 'block' },
  },
  { id: 'blocklisted-device', description: 'Device on the blocklist', priority: 14, enabled: true, condition: 'blocklistedDevice', effect: { type: 'action', action: 'block' } },
  {
    id: 'blocklisted-payment',
    description: 'Payment instrument on the blocklist',
    priority: 15,
    enabled: true,
    condition: 'blocklistedPayment or blocklistedIp',
    effect: { type: 'action', action: 'block' },
  },
  // Review (priority 20–29): forces at least a manual review.
  {
    id: 'new-account-high-value',
    description: 'Account younger than a day ordering 2,000 CNY or more',
    priority: 20,
    enabled: true,
    condition: 'accountAgeHours < 24 and amount >= 200_000',
    effect: { type: 'action', action: 'review' },
  },
  // Scores (priority 100+): summed, clamped to 0–100, compared with the thresholds.
  {
    id: 'velocity-customer-1h',
    description: 'More than 3 orders from the customer within an hour',
    priority: 100,
    enabled: true,
    condition: 'velocityCustomer1h > 3',
    effect: { type: 'score', points: 25 },
  },
  {
    id: 'velocity-customer-24h',
    description: 'More than 10 orders from the customer within a day',
    priority: 101,
    enabled: true,
    condition: 'velocityCustomer24h > 10',
    effect: { type: 'score', points: 20 },
  },
  {
    id: 'velocity-email-24h',
    description: 'More than 5 orders with the same email within a day',
    priority: 102,
    enabled: true,
    condition: 'velocityEmail24h > 5',
    effect: { type: 'score', points: 20 },
  },
  {
    id: 'velocity-device-24h',
    description: 'More than 5 orders from the same device within a day',
    priority: 103,
    enabled: true,
    condition: 'velocityDevice24h > 5',
    effect: { type: 'score', points: 30 },
  },
  // IPs are shared (carrier-grade NAT, offices): a weak signal on its own.
  {
    id: 'velocity-ip-1h',
    description: 'More than 30 orders from the same IP within an hour',
    priority: 104,
    enabled: true,
    condition: 'velocityIp1h > 30',
    effect: { type: 'score', points: 10 },
  },
  {
    id: 'velocity-address-7d',
    description: 'More than 15 orders to the same address within a week',
    priority: 105,
    enabled: true,
    condition: 'velocityAddress7d > 15',
    effect: { type: 'score', points: 20 },
  },
  {
    id: 'velocity-payment-24h',
    description: 'More than 5 orders with the same payment instrument within a day',
    priority: 106,
    enabled: true,
    condition: 'velocityPayment24h > 5',
    effect: { type: 'score', points: 25 },
  },
  {
    id: 'amount-outlier',
    description: 'Amount more than 3 standard deviations above the customer’s history (5+ past orders)',
    priority: 110,
    enabled: true,
    condition: 'customerOrderCount >= 5 and amountZScore > 3',
    effect: { type: 'score', points: 30 },
  },
  {
    id: 'region-mismatch',
    description: 'Billing region differs from the shipping region',
    priority: 120,
    enabled: true,
    condition: 'regionMismatch',
    effect: { type: 'score', points: 15 },
  },
  {
    id: 'repeated-payment-failures',
    description: '3 or more failed payments in the last 24 hours',
    priority: 130,
    enabled: true,
    condition: 'paymentFailures24h >= 3',
    effect: { type: 'score', points: 35 },
  },
  {
    id: 'confirmed-fraud-history',
    description: 'The customer has confirmed fraud on record',
    priority: 140,
    enabled: true,
    condition: 'confirmedFraud > 0',
    effect: { type: 'score', points: 50 },
  },
  {
    id: 'good-history',
    description: 'Three or more delivered orders and no confirmed fraud',
    priority: 150,
    enabled: true,
    condition: 'deliveredOrders >= 3 and confirmedFraud == 0',
    effect: { type: 'score', points: -20 },
  },
]);
