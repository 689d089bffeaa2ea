/**
 * Every route of the API, from each capability's `routes.ts`. Add a capability's routes here and
 * they appear in `GET /openapi.json`.
 */
import type { RouteContract } from '../../shared/http/route.ts';
import { auditRoutes } from '../audit/routes.ts';
import { catalogRoutes } from '../catalog/routes.ts';
import { checkoutRoutes } from '../checkout/routes.ts';
import { fraudRoutes } from '../fraud/routes.ts';
import { fulfillmentRoutes } from '../fulfillment/routes.ts';
import { paymentsRoutes } from '../payments/routes.ts';
import { platformRoutes } from './routes.ts';

/** All route contracts. */
export const apiRoutes: readonly RouteContract[] = [...platformRoutes, ...catalogRoutes, ...checkoutRoutes, ...paymentsRoutes, ...fraudRoutes, ...fulfillmentRoutes, ...auditRoutes] as readonly RouteContract[];
