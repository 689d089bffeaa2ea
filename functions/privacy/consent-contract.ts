/**
 * Privacy's consent contract (SEC-3): the one way another capability asks whether a customer
 * consents to a purpose — notifications before any marketing message, analytics before using a
 * customer's data. Reads the current state item only (GetItem on `CUSTOMER#<id>` / `CONSENTS`); the
 * caller's function needs that read on the PrivacyTable and nothing else of privacy's.
 */
import { requireSetting } from '../../shared/config.ts';
import { consentsTo, type ConsentPurpose } from './domain/consent.ts';
import { dynamoConsentStore } from './consent-store.ts';

export type { ConsentPurpose } from './domain/consent.ts';

/** Whether `customerId` consents to `purpose` now (no decision: no). */
export type ConsentCheck = (customerId: string, purpose: ConsentPurpose) => Promise<boolean>;

let check: ConsentCheck | undefined;

/** The contract with the real adapter: `PRIVACY_TABLE_NAME`. */
export function consentCheckFromEnv(): ConsentCheck {
  if (!check) {
    const store = dynamoConsentStore(requireSetting('privacyTableName'));
    check = async (customerId, purpose) => consentsTo(await store.read(customerId), purpose);
  }
  return check;
}
