/** The fraud capability's HTTP contracts (validation schemas and OpenAPI in one place). */
import type { RouteContract } from '../../shared/http/route.ts';

/** Every fraud route, for the OpenAPI document and the API. */
export const fraudRoutes: readonly RouteContract[] = [];
