/**
 * The real adapters of the data-rights use cases: the PrivacyTable, the audit trail, the customer
 * keyring, checkout's, returns' and tickets' privacy contracts, and Cognito (`CUSTOMER_POOL_ID`).
 */
import { AdminDisableUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { auditLogFromEnv } from '../../shared/audit.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { getConfig } from '../../shared/config.ts';
import { customerKeyStoreFromEnv } from '../../shared/customer-keys.ts';
import { newId } from '../../shared/ids.ts';
import { ordersPrivacyFromEnv } from '../checkout/privacy-contract.ts';
import { customerReturnsExporterFromEnv } from '../returns/privacy-contract.ts';
import { ticketsPrivacyFromEnv } from '../tickets/privacy-contract.ts';
import { consentStoreFromEnv } from './consent-store.ts';
import type { ErasureDeps, ExportDeps, RetentionDeps } from './data-rights.ts';
import { privacyRequestStoreFromEnv } from './privacy-requests.ts';

let cognito: CognitoIdentityProviderClient | undefined;

/**
 * Disables the customer's sign-in: Cognito `AdminDisableUser` on the customer pool (the user's
 * `sub` is accepted as the username). The local cloud has no Cognito, so there it does nothing:
 * locally a token issued before the erasure keeps working until it expires.
 */
export function disableSignIn(customerId: string): Promise<void> {
  if (getConfig().localCloud) return Promise.resolve();
  const userPoolId = process.env.CUSTOMER_POOL_ID;
  if (!userPoolId) throw new Error('CUSTOMER_POOL_ID is not set: the erasure function needs it.');
  cognito ??= new CognitoIdentityProviderClient({});
  return cognito.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: customerId })).then(() => undefined);
}

/** The erasure's dependencies. */
export function erasureDepsFromEnv(clock: Clock = systemClock): ErasureDeps {
  const orders = ordersPrivacyFromEnv();
  return {
    requests: privacyRequestStoreFromEnv(),
    audit: auditLogFromEnv(),
    keys: customerKeyStoreFromEnv(),
    eraseOrders: orders.eraseOrders,
    eraseTickets: ticketsPrivacyFromEnv(clock).eraseTickets,
    disableSignIn,
    clock,
    newId: () => newId(),
  };
}

/** The export's dependencies. */
export function exportDepsFromEnv(clock: Clock = systemClock): ExportDeps {
  return {
    requests: privacyRequestStoreFromEnv(),
    consents: consentStoreFromEnv(),
    orders: ordersPrivacyFromEnv().exportOrders,
    returns: customerReturnsExporterFromEnv(),
    tickets: ticketsPrivacyFromEnv(clock).exportTickets,
    clock,
    newId: () => newId(),
  };
}

/** The retention job's dependencies (`PERSONAL_DATA_RETENTION_DAYS`). */
export function retentionDepsFromEnv(clock: Clock = systemClock): RetentionDeps {
  const orders = ordersPrivacyFromEnv();
  return { dueOrders: orders.dueOrders, removePersonalData: orders.removePersonalData, retentionDays: getConfig().retention.personalDataRetentionDays, clock };
}
