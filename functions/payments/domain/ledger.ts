/**
 * The payments ledger (PAY-3, PAY-4): every money movement of an order — authorised, captured,
 * voided, refunded, fees — is an append-only, double-entry record in integer minor units. An
 * order's balances are derived from its movements, never stored separately.
 *
 * ## Chart of accounts
 *
 * | account                        | kind                 | debit means                               | credit means                          |
 * |--------------------------------|----------------------|-------------------------------------------|---------------------------------------|
 * | `customer-authorization-hold`  | memorandum asset     | funds put on hold on the customer's card/wallet | hold released (captured, voided, expired) |
 * | `authorization-commitment`     | memorandum contra    | the commitment ends                        | we committed to capture at most this  |
 * | `provider-receivable`          | asset                | captured funds the provider owes us        | refunded or kept as fees by the provider |
 * | `cod-receivable`               | asset                | cash collected by the carrier for us       | cash paid back to the customer, remitted by the carrier, or kept as its collection fee |
 * | `bank`                         | asset                | cash a carrier remitted to our account     | —                                     |
 * | `carrier-fees`                 | expense              | collection fees a carrier kept (COD)       | —                                     |
 * | `customer-payments`            | income (gross)       | —                                          | money captured from customers         |
 * | `refunds`                      | contra-income        | money returned to customers                | —                                     |
 * | `provider-fees`                | expense              | fees the provider kept                     | —                                     |
 *
 * The two memorandum accounts make authorisations visible in the books without treating them as
 * money received: authorising A posts Dr hold / Cr commitment; capturing C releases C of the hold
 * (Dr commitment / Cr hold) and books the real movement (Dr provider-receivable / Cr
 * customer-payments). A void or an expiry releases what is left of the hold. A refund is Dr refunds
 * / Cr provider-receivable (or cod-receivable); a fee is Dr provider-fees / Cr provider-receivable.
 * Cash on delivery is collected by the carrier (Dr cod-receivable / Cr customer-payments at
 * delivery) and remitted later with the carrier's report (PAY-4): Dr bank / Cr cod-receivable for
 * what it paid us, Dr carrier-fees / Cr cod-receivable for what it kept; what is left on
 * cod-receivable is cash the carrier still owes.
 *
 * Every movement balances (Σ debits = Σ credits) by construction; {@link checkMovement} verifies it
 * for records read back (reconciliation reports an unbalanced record). Movement ids are
 * deterministic (`AUTH`, `CAPTURE#<provider capture id>`, `REFUND#<refund id>`, `REMIT#<remittance id>`, …), so the same
 * movement can never be written twice: the ledger is the first line of defence against double
 * charging. An order has one ledger even when it has two payments (a pre-sale's deposit and
 * balance, ORD-5): the movements of the balance's own authorisation, void, expiry and hold release
 * are prefixed `BALANCE#` (`BALANCE#AUTH`, `BALANCE#VOID`, …); captures, fees and refunds carry
 * provider (or refund) ids that are unique anyway. Every movement names its `paymentId`.
 *
 * Pure: no I/O.
 */
import type { PaymentMethod } from '../../../events/common.ts';

/** The accounts of the chart above. */
export const ACCOUNTS = {
  authorizationHold: 'customer-authorization-hold',
  authorizationCommitment: 'authorization-commitment',
  providerReceivable: 'provider-receivable',
  codReceivable: 'cod-receivable',
  customerPayments: 'customer-payments',
  refunds: 'refunds',
  providerFees: 'provider-fees',
  bank: 'bank',
  carrierFees: 'carrier-fees',
} as const;

/** An account of the chart. */
export type Account = (typeof ACCOUNTS)[keyof typeof ACCOUNTS];

/** Every account, for validation. */
export const ALL_ACCOUNTS: readonly Account[] = Object.values(ACCOUNTS);

/** One side of a movement. */
export interface Posting {
  readonly account: Account;
  readonly side: 'debit' | 'credit';
  /** Positive integer minor units. */
  readonly amount: number;
}

/** What a movement records. */
export type MovementKind = 'authorization' | 'capture' | 'fee' | 'void' | 'expiry' | 'capture-remainder-release' | 'refund' | 'remittance' | 'collection-fee';

/** Every movement kind, for validation. */
export const MOVEMENT_KINDS: readonly MovementKind[] = ['authorization', 'capture', 'fee', 'void', 'expiry', 'capture-remainder-release', 'refund', 'remittance', 'collection-fee'];

/** A balanced set of postings: one money movement of one order. */
export interface LedgerMovement {
  /** Deterministic within the order (see module docs). */
  readonly movementId: string;
  readonly orderId: string;
  readonly paymentId: string;
  readonly method: PaymentMethod;
  readonly kind: MovementKind;
  readonly currency: string;
  /** The movement's amount (Σ debits = Σ credits = amount × number of legs). */
  readonly amount: number;
  readonly postings: readonly Posting[];
  /** When the money moved: the provider's timestamp for provider movements (so both sides fall on the same settlement day). */
  readonly at: string;
  /** The provider's payment id (authorisation), capture id or refund id this movement mirrors. */
  readonly providerPaymentId?: string;
  readonly providerTransactionId?: string;
  /** Our refund id, for refunds. */
  readonly refundId?: string;
}

/** A movement that does not balance or is malformed. */
export class LedgerError extends Error {
  override readonly name = 'LedgerError';
}

function positive(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new LedgerError(`${what} must be a positive integer number of minor units, got ${amount}`);
}

const pair = (debit: Account, credit: Account, amount: number): Posting[] => [
  { account: debit, side: 'debit', amount },
  { account: credit, side: 'credit', amount },
];

/** Problems of a movement (empty when it is well-formed and balanced). */
export function checkMovement(movement: Pick<LedgerMovement, 'postings' | 'amount'>): string[] {
  const problems: string[] = [];
  if (movement.postings.length < 2) problems.push('fewer than two postings');
  let debits = 0;
  let credits = 0;
  for (const p of movement.postings) {
    if (!ALL_ACCOUNTS.includes(p.account)) problems.push(`unknown account ${String(p.account)}`);
    if (!Number.isSafeInteger(p.amount) || p.amount <= 0) problems.push(`posting to ${p.account} is not a positive integer`);
    if (p.side === 'debit') debits += p.amount;
    else if (p.side === 'credit') credits += p.amount;
    else problems.push(`posting to ${p.account} has no side`);
  }
  if (debits !== credits) problems.push(`debits ${debits} ≠ credits ${credits}`);
  return problems;
}

function build(base: Omit<LedgerMovement, 'postings'>, postings: Posting[]): LedgerMovement {
  const movement: LedgerMovement = { ...base, postings };
  const problems = checkMovement(movement);
  if (problems.length > 0) throw new LedgerError(`movement ${base.movementId} of order ${base.orderId}: ${problems.join('; ')}`);
  return movement;
}

/** Who the movement belongs to. */
export interface MovementSubject {
  readonly orderId: string;
  readonly paymentId: string;
  readonly method: PaymentMethod;
  readonly currency: string;
  /** Prefix of the payment's own movement ids (`BALANCE#` for a pre-sale's balance payment; none for the order's first payment). Not stored. */
  readonly idPrefix?: string;
}

/** The stored fields of a subject (without its id prefix) and the prefix. */
function split(s: MovementSubject): { subject: Omit<MovementSubject, 'idPrefix'>; prefix: string } {
  const { idPrefix, ...subject } = s;
  return { subject, prefix: idPrefix ?? '' };
}

/** Funds put on hold on the customer's instrument (card, wallet). */
export function authorizationMovement(s: MovementSubject, amount: number, at: string, providerPaymentId: string): LedgerMovement {
  positive(amount, 'authorised amount');
  const { subject, prefix } = split(s);
  return build(
    { ...subject, movementId: `${prefix}AUTH`, kind: 'authorization', amount, at, providerPaymentId },
    pair(ACCOUNTS.authorizationHold, ACCOUNTS.authorizationCommitment, amount),
  );
}

/** What a capture settles against. */
export interface CaptureFacts {
  /** The provider's capture id (or `cod-<paymentId>` for cash on delivery). */
  readonly captureId: string;
  readonly amount: number;
  readonly at: string;
  /** True when it consumes an authorisation hold (card, wallet); false for bank transfers and cash on delivery. */
  readonly fromHold: boolean;
  /** Who owes us the money now. */
  readonly receivable: 'provider' | 'cod';
  readonly providerPaymentId?: string;
}

/** Money captured: the hold (if any) is released for the amount and the receivable booked. */
export function captureMovement(s: MovementSubject, c: CaptureFacts): LedgerMovement {
  positive(c.amount, 'captured amount');
  const { subject } = split(s);
  const postings = [
    ...(c.fromHold ? pair(ACCOUNTS.authorizationCommitment, ACCOUNTS.authorizationHold, c.amount) : []),
    ...pair(c.receivable === 'cod' ? ACCOUNTS.codReceivable : ACCOUNTS.providerReceivable, ACCOUNTS.customerPayments, c.amount),
  ];
  return build(
    {
      ...subject,
      movementId: `CAPTURE#${c.captureId}`,
      kind: 'capture',
      amount: c.amount,
      at: c.at,
      providerTransactionId: c.receivable === 'provider' ? c.captureId : undefined,
      providerPaymentId: c.providerPaymentId,
    },
    postings,
  );
}

/** The provider kept a fee on a capture. */
export function feeMovement(s: MovementSubject, captureId: string, fee: number, at: string, providerPaymentId?: string): LedgerMovement {
  positive(fee, 'fee');
  return build(
    { ...split(s).subject, movementId: `FEE#${captureId}`, kind: 'fee', amount: fee, at, providerTransactionId: captureId, providerPaymentId },
    pair(ACCOUNTS.providerFees, ACCOUNTS.providerReceivable, fee),
  );
}

/** What is left of a hold is released: a void, an expiry, or the remainder after a final partial capture. */
export function releaseMovement(s: MovementSubject, kind: 'void' | 'expiry' | 'capture-remainder-release', amount: number, at: string, key?: string): LedgerMovement {
  positive(amount, 'released amount');
  const { subject, prefix } = split(s);
  const movementId = prefix + (kind === 'void' ? 'VOID' : kind === 'expiry' ? 'EXPIRY' : `RELEASE#${key ?? 'final'}`);
  return build({ ...subject, movementId, kind, amount, at }, pair(ACCOUNTS.authorizationCommitment, ACCOUNTS.authorizationHold, amount));
}

/** Money returned to the customer. */
export function refundMovement(
  s: MovementSubject,
  r: { refundId: string; amount: number; at: string; providerRefundId?: string; receivable: 'provider' | 'cod'; providerPaymentId?: string },
): LedgerMovement {
  positive(r.amount, 'refunded amount');
  return build(
    {
      ...split(s).subject,
      movementId: `REFUND#${r.refundId}`,
      kind: 'refund',
      amount: r.amount,
      at: r.at,
      refundId: r.refundId,
      providerTransactionId: r.providerRefundId,
      providerPaymentId: r.providerPaymentId,
    },
    pair(ACCOUNTS.refunds, r.receivable === 'cod' ? ACCOUNTS.codReceivable : ACCOUNTS.providerReceivable, r.amount),
  );
}

/** A carrier remitted the cash it collected on delivery (PAY-4), with its report `remittanceId`. */
export function remittanceMovement(s: MovementSubject, r: { remittanceId: string; amount: number; at: string }): LedgerMovement {
  positive(r.amount, 'remitted amount');
  return build(
    { ...split(s).subject, movementId: `REMIT#${r.remittanceId}`, kind: 'remittance', amount: r.amount, at: r.at },
    pair(ACCOUNTS.bank, ACCOUNTS.codReceivable, r.amount),
  );
}

/** The collection fee a carrier kept out of the cash it collected (PAY-4). */
export function collectionFeeMovement(s: MovementSubject, r: { remittanceId: string; fee: number; at: string }): LedgerMovement {
  positive(r.fee, 'collection fee');
  return build(
    { ...split(s).subject, movementId: `REMIT-FEE#${r.remittanceId}`, kind: 'collection-fee', amount: r.fee, at: r.at },
    pair(ACCOUNTS.carrierFees, ACCOUNTS.codReceivable, r.fee),
  );
}

/** An order's balances, derived from its movements. */
export interface OrderBalances {
  readonly currency: string;
  /** Net debit balance of each account (debits − credits). */
  readonly accounts: Readonly<Record<Account, number>>;
  /** Still on hold on the customer's instrument. */
  readonly held: number;
  /** Gross captured from the customer. */
  readonly captured: number;
  /** Returned to the customer. */
  readonly refunded: number;
  /** Kept by the provider. */
  readonly fees: number;
  /** Captured − refunded: what the customer has paid net. */
  readonly netPaid: number;
  /** Cash on delivery the carrier collected and has not remitted yet (PAY-4). */
  readonly codOutstanding: number;
  /** Σ debits = Σ credits over every movement, and every movement is well-formed. */
  readonly balanced: boolean;
  readonly movements: number;
}

/** Derives an order's balances from its movements. */
export function balancesOf(movements: readonly LedgerMovement[], currency = movements[0]?.currency ?? 'CNY'): OrderBalances {
  const accounts = Object.fromEntries(ALL_ACCOUNTS.map((a) => [a, 0])) as Record<Account, number>;
  let debits = 0;
  let credits = 0;
  let wellFormed = true;
  for (const m of movements) {
    if (checkMovement(m).length > 0 || m.currency !== currency) wellFormed = false;
    for (const p of m.postings) {
      if (!(p.account in accounts)) continue;
      if (p.side === 'debit') {
        accounts[p.account] += p.amount;
        debits += p.amount;
      } else {
        accounts[p.account] -= p.amount;
        credits += p.amount;
      }
    }
  }
  const captured = 0 - accounts[ACCOUNTS.customerPayments];
  const refunded = accounts[ACCOUNTS.refunds];
  return {
    currency,
    accounts,
    held: accounts[ACCOUNTS.authorizationHold],
    captured,
    refunded,
    fees: accounts[ACCOUNTS.providerFees],
    netPaid: captured - refunded,
    codOutstanding: accounts[ACCOUNTS.codReceivable],
    balanced: wellFormed && debits === credits,
    movements: movements.length,
  };
}
