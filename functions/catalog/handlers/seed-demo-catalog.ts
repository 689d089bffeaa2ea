/**
 * Seeds the demo catalog (warehouses, products, stock) once; later calls do nothing. Deployed in
 * the dev stage only; `npm start` invokes it on every start (the marker makes that free).
 * Env: `CATALOG_TABLE_NAME`.
 */
import { catalogRepositoryFromEnv } from '../catalog-repository.ts';
import { seedDemoCatalog, type SeedResult } from '../demo-catalog.ts';

/** The Lambda handler (any event). */
export const handler = async (): Promise<SeedResult> => seedDemoCatalog(catalogRepositoryFromEnv());
