/**
 * Use cases: a customer's consents (SEC-3) — read them with their recent history, and decide
 * (give or withdraw) per purpose. Concurrent decisions are applied one after the other.
 */
import type { Clock } from '../../shared/clock.ts';
import { decideConsents, type ConsentChange, type ConsentPurpose, type Consents } from './domain/consent.ts';
import type { ConsentStore } from './consent-store.ts';

/** Ports of the consent use cases. */
export interface ConsentDeps {
  readonly store: ConsentStore;
  readonly clock: Clock;
}

/** The view a customer gets. */
export interface ConsentView {
  readonly marketing: boolean;
  readonly analytics: boolean;
  readonly personalisation: boolean;
  readonly decidedAt: Partial<Record<ConsentPurpose, string>>;
  readonly history: readonly ConsentChange[];
}

const HISTORY_SHOWN = 50;

function view(consents: Consents, history: readonly ConsentChange[]): ConsentView {
  const decidedAt: Partial<Record<ConsentPurpose, string>> = {};
  for (const [purpose, state] of Object.entries(consents.purposes) as [ConsentPurpose, Consents['purposes'][ConsentPurpose]][])
    if (state.decidedAt) decidedAt[purpose] = state.decidedAt;
  return {
    marketing: consents.purposes.marketing.granted,
    analytics: consents.purposes.analytics.granted,
    personalisation: consents.purposes.personalisation.granted,
    decidedAt,
    history,
  };
}

/** `GET /me/consents`. */
export async function readConsents(deps: Pick<ConsentDeps, 'store'>, customerId: string): Promise<ConsentView> {
  const [consents, history] = await Promise.all([deps.store.read(customerId), deps.store.history(customerId, HISTORY_SHOWN)]);
  return view(consents, history);
}

/** `PUT /me/consents`: the purposes named are given (true) or withdrawn (false); the others stay. */
export async function decide(deps: ConsentDeps, customerId: string, decision: Partial<Record<ConsentPurpose, boolean>>): Promise<ConsentView> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await deps.store.read(customerId);
    const { next, changes } = decideConsents(current, decision, deps.clock.now().toISOString(), 'api');
    if (changes.length === 0 || (await deps.store.save(next, changes))) return readConsents(deps, customerId);
  }
  throw new Error(`consents of ${customerId}: five concurrent decisions in a row`);
}
