/** The fulfillment capability's HTTP contracts (validation schemas and OpenAPI in one place). */
import type { RouteContract } from '../../shared/http/route.ts';

/** Every fulfillment route, for the OpenAPI document and the API. */
export const fulfillmentRoutes: readonly RouteContract[] = [];
