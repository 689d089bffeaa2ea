/**
 * Payments' documented synchronous contract for checkout (PAY-1: per-method and per-customer
 * payment limits; "over a limit the order is refused at checkout with a 409 that says why"). Like
 * catalog's stock-contract.ts, it is the ONE module of payments another capability may import.
 *
 * How checkout uses it, in its place-order use case, before writing the order:
 *
 * ```ts
 * import { checkPaymentLimits, paymentLimitProblem, paymentLimits, paymentLimitsReaderFromEnv } from '../payments/limits-contract.ts';
 * const limits = paymentLimits();                           // settings (PAYMENT_METHOD_LIMITS, …), cached
 * const reader = paymentLimitsReaderFromEnv();              // reads PAYMENTS_TABLE_NAME
 * const today = await reader.todayTotals(principal.userId, clock.now(), limits);
 * const check = checkPaymentLimits({ method: body.payment.method, amount: amountDue.amount, orderAmount: total.amount, currency: amountDue.currency, today, limits });
 * if (!check.ok) throw paymentLimitProblem(check);          // 409 problem `payment-limit-exceeded`, detail says which limit and how much
 * ```
 *
 * Methods: checkout offers only the methods the configured provider takes (`configuredProvider()`,
 * `providerTakes`; `GET /payment-methods` lists them with their limits) and refuses others with a 400.
 *
 * Infrastructure checkout needs: env `PAYMENTS_TABLE_NAME` and `dynamodb:GetItem` on PaymentsTable
 * (items `LIMITS#<customerId>` / `DAY#<YYYY-MM-DD>` only), plus the same `PAYMENT_*` limit settings
 * as payments if they are overridden.
 *
 * What is counted: amounts of payments authorised, awaiting transfer or accepted (cash on delivery)
 * on the customer's limit day, minus voided and failed ones — for a pre-sale order (ORD-5), the
 * deposit on the day it is secured and the balance on the day it is collected. The per-order limit
 * applies to the order's total (`orderAmount`; default `amount`), so a pre-sale whose total is over
 * it is refused at placement, not after its deposit. Payments enforces the same limits when
 * it authorises (PaymentFailed `limit_exceeded`), so a missed or raced check still cannot exceed them.
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient } from '../../shared/dynamodb.ts';
import { ProblemError } from '../../shared/errors.ts';
import { limitDay, NO_SPENDING, type DailyTotals, type LimitCheck, type PaymentLimits } from './domain/limits.ts';
import { paymentsSettings } from './settings.ts';

export { checkPaymentLimits, limitDay } from './domain/limits.ts';
export { offeredMethods, providerTakes, type OfferedMethod, type ProviderName } from './domain/payment-methods.ts';
export type { DailyTotals, LimitCheck, LimitViolation, MethodLimit, PaymentLimits } from './domain/limits.ts';

/** The configured provider (`PAYMENT_PROVIDER`: the stage decides), whose methods checkout offers (domain/payment-methods.ts). */
export function configuredProvider(): 'sandbox' | 'stripe' {
  return paymentsSettings().provider;
}

/** The configured limits (cached per container). */
export function paymentLimits(): PaymentLimits {
  return paymentsSettings().limits;
}

/** The 409 problem for a refused payment: `type` …/payment-limit-exceeded, `detail` says which limit and how much. */
export function paymentLimitProblem(check: Extract<LimitCheck, { ok: false }>): ProblemError {
  return new ProblemError('payment-limit-exceeded', 'Payment limit exceeded', 409, { detail: check.message });
}

/** Reads a customer's committed totals of today's limit day. */
export class PaymentLimitsReader {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async todayTotals(customerId: string, now: Date, limits: Pick<PaymentLimits, 'dayOffsetMinutes'>): Promise<DailyTotals> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `LIMITS#${customerId}`, sk: `DAY#${limitDay(now, limits.dayOffsetMinutes)}` }, ConsistentRead: true }),
    );
    if (!Item) return NO_SPENDING;
    const n = (v: unknown) => (typeof v === 'number' ? v : 0);
    return { total: n(Item.total), byMethod: { card: n(Item.card), wallet: n(Item.wallet), bank_transfer: n(Item.bank_transfer), cod: n(Item.cod) } };
  }
}

/** A reader on `PAYMENTS_TABLE_NAME`. */
export function paymentLimitsReaderFromEnv(): PaymentLimitsReader {
  return new PaymentLimitsReader(requireSetting('paymentsTableName'));
}
