/** The payments capability's HTTP contracts (validation schemas and OpenAPI in one place). */
import type { RouteContract } from '../../shared/http/route.ts';

/** Every payments route, for the OpenAPI document and the API. */
export const paymentsRoutes: readonly RouteContract[] = [];
