/**
 * Consent per purpose (SEC-3, PIPL art. 14–15): marketing, analytics and personalisation, each
 * opt-in (nothing is assumed before the customer says yes), each withdrawable at any time as easily
 * as it was given. Every change is kept as history: what was decided, when, and through what.
 * Pure: the store and the clock are the caller's.
 */

/** The purposes a customer consents to, one by one. */
export const CONSENT_PURPOSES = ['marketing', 'analytics', 'personalisation'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/** One purpose's state: given or not, and when it was last given or withdrawn (absent: never decided). */
export interface PurposeConsent {
  readonly granted: boolean;
  readonly decidedAt?: string;
}

/** A customer's consents. `version` counts changes (0: never decided anything). */
export interface Consents {
  readonly customerId: string;
  readonly purposes: Readonly<Record<ConsentPurpose, PurposeConsent>>;
  readonly version: number;
}

/** One recorded decision. */
export interface ConsentChange {
  readonly purpose: ConsentPurpose;
  readonly granted: boolean;
  readonly at: string;
  /** Where the decision was made, e.g. `api` (PUT /me/consents). */
  readonly via: string;
}

/** What a customer has before deciding anything: no consent to anything. */
export function noConsents(customerId: string): Consents {
  return { customerId, purposes: { marketing: { granted: false }, analytics: { granted: false }, personalisation: { granted: false } }, version: 0 };
}

/**
 * Applies a decision: only purposes whose state changes are recorded (the same answer again
 * changes nothing and adds no history).
 */
export function decideConsents(
  current: Consents,
  decision: Partial<Record<ConsentPurpose, boolean>>,
  at: string,
  via: string,
): { readonly next: Consents; readonly changes: readonly ConsentChange[] } {
  const changes: ConsentChange[] = [];
  const purposes = { ...current.purposes };
  for (const purpose of CONSENT_PURPOSES) {
    const granted = decision[purpose];
    if (granted === undefined || (purposes[purpose].granted === granted && purposes[purpose].decidedAt !== undefined)) continue;
    purposes[purpose] = { granted, decidedAt: at };
    changes.push({ purpose, granted, at, via });
  }
  return { next: changes.length === 0 ? current : { ...current, purposes, version: current.version + 1 }, changes };
}

/** Whether `purpose` may be used for this customer now. */
export function consentsTo(consents: Consents | undefined, purpose: ConsentPurpose): boolean {
  return consents?.purposes[purpose].granted === true;
}
