/** Health and the OpenAPI document. */
import { Construct } from 'constructs';
import { getHealthRoute, getOpenApiRoute } from '../../functions/platform/routes.ts';
import type { Platform } from '../platform.ts';

/** See the module documentation. */
export class PlatformRoutes extends Construct {
  constructor(scope: Construct, id: string, platform: Platform) {
    super(scope, id);
    const health = platform.function(this, 'GetHealthFunction', { entry: 'functions/platform/handlers/get-health.ts', description: 'GET /health', memorySize: 256 });
    platform.api.addRoute(getHealthRoute, health);
    const openApi = platform.function(this, 'GetOpenApiFunction', { entry: 'functions/platform/handlers/get-openapi.ts', description: 'GET /openapi.json', memorySize: 256 });
    platform.api.addRoute(getOpenApiRoute, openApi);
  }
}
