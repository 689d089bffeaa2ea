/**
 * The exact grants every function should have (beyond its log group, X-Ray and the async failure
 * queue), one file per capability so each capability keeps its own list.
 */
import { analyticsGrants } from './analytics.ts';
import { auditGrants } from './audit.ts';
import { catalogGrants } from './catalog.ts';
import { checkoutGrants } from './checkout.ts';
import { complianceGrants } from './compliance.ts';
import { fraudGrants } from './fraud.ts';
import { fulfillmentGrants } from './fulfillment.ts';
import { identityGrants } from './identity.ts';
import { notificationsGrants } from './notifications.ts';
import { paymentsGrants } from './payments.ts';
import { platformGrants } from './platform.ts';
import { privacyGrants } from './privacy.ts';
import { returnsGrants } from './returns.ts';
import { suppliersGrants } from './suppliers.ts';
import { ticketsGrants } from './tickets.ts';

/** Function logical id → expected `action → resource` lines. */
export function expectedGrants(): Record<string, string[]> {
  return {
    ...platformGrants,
    ...catalogGrants,
    ...complianceGrants,
    ...checkoutGrants,
    ...paymentsGrants,
    ...fraudGrants,
    ...fulfillmentGrants,
    ...auditGrants,
    ...identityGrants,
    ...privacyGrants,
    ...notificationsGrants,
    ...ticketsGrants,
    ...returnsGrants,
    ...suppliersGrants,
    ...analyticsGrants,
  };
}
