/**
 * Privacy's requests contract (CMP-2, SEC-3), read-only: the data-subject requests (exports and
 * erasures) received in a year, with their kind, status and timings, for the yearly compliance
 * report. One Query of the PrivacyTable's requests partition (`pk = REQUESTS`, the sort key starts
 * with the request time); requests name the customer by id only. A function using it needs Query
 * on the PrivacyTable for the leading key `REQUESTS` and `PRIVACY_TABLE_NAME`
 * (`Privacy.grantRequestsRead` in infra/capabilities/privacy.ts).
 */
import { requireSetting } from '../../shared/config.ts';
import { requestsOfYear, type PrivacyRequest } from './privacy-requests.ts';

/** A data-subject request as the contract gives it. */
export type PrivacyRequestRecord = PrivacyRequest;

/** Every request received in `year` (UTC), newest first, from the table of `PRIVACY_TABLE_NAME`. */
export function privacyRequestsOfYear(year: number): Promise<PrivacyRequestRecord[]> {
  return requestsOfYear(requireSetting('privacyTableName'), year);
}
