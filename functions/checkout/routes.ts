/** The checkout capability's HTTP contracts (validation schemas and OpenAPI in one place). */
import type { RouteContract } from '../../shared/http/route.ts';

/** Every checkout route, for the OpenAPI document and the API. */
export const checkoutRoutes: readonly RouteContract[] = [];
