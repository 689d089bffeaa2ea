/**
 * Every route of the API, from each capability's `routes.ts`. Add a capability's routes here and
 * they appear in `GET /openapi.json`.
 */
import type { RouteContract } from '../../shared/http/route.ts';
import { analyticsRoutes } from '../analytics/routes.ts';
import { auditRoutes } from '../audit/routes.ts';
import { catalogRoutes } from '../catalog/routes.ts';
import { checkoutRoutes } from '../checkout/routes.ts';
import { complianceRoutes } from '../compliance/routes.ts';
import { fraudRoutes } from '../fraud/routes.ts';
import { fulfillmentRoutes } from '../fulfillment/routes.ts';
import { notificationsRoutes } from '../notifications/routes.ts';
import { codRemittanceRoutes } from '../payments/cod-remittance-routes.ts';
import { paymentsRoutes } from '../payments/routes.ts';
import { shopperPaymentRoutes } from '../payments/shopper-payment-routes.ts';
import { privacyRoutes } from '../privacy/routes.ts';
import { returnsRoutes } from '../returns/routes.ts';
import { suppliersRoutes } from '../suppliers/routes.ts';
import { ticketRoutes } from '../tickets/routes.ts';
import { platformRoutes } from './routes.ts';

/** All route contracts. */
export const apiRoutes: readonly RouteContract[] = [
  ...platformRoutes,
  ...catalogRoutes,
  ...checkoutRoutes,
  ...paymentsRoutes,
  ...shopperPaymentRoutes,
  ...codRemittanceRoutes,
  ...fraudRoutes,
  ...fulfillmentRoutes,
  ...auditRoutes,
  ...complianceRoutes,
  ...notificationsRoutes,
  ...privacyRoutes,
  ...ticketRoutes,
  ...returnsRoutes,
  ...suppliersRoutes,
  ...analyticsRoutes,
] as readonly RouteContract[];
