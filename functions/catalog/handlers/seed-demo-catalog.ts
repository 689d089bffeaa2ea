/**
 * Seeds the demo catalog (warehouses, products, stock) once, through ops' own use cases (audited,
 * events published); later calls do nothing. Deployed in the dev stage only; `npm start` invokes it
 * on every start (the marker makes that free).
 * Env: `CATALOG_TABLE_NAME`, `AUDIT_TABLE_NAME`, `EVENT_BUS_NAME`.
 */
import { auditLogFromEnv } from '../../../shared/audit.ts';
import { systemClock } from '../../../shared/clock.ts';
import { getConfig } from '../../../shared/config.ts';
import { eventBridgePublisher } from '../../../shared/events.ts';
import { newId } from '../../../shared/ids.ts';
import { catalogRepositoryFromEnv } from '../catalog-repository.ts';
import { DEMO_SEED_MARKER, seedDemoCatalog, type SeedResult } from '../demo-catalog.ts';
import { catalogSettings } from '../stock-contract.ts';

/** The Lambda handler (any event). */
export const handler = async (): Promise<SeedResult> =>
  seedDemoCatalog({
    catalog: catalogRepositoryFromEnv(),
    audit: auditLogFromEnv(),
    events: eventBridgePublisher({ correlationId: `seed-${DEMO_SEED_MARKER}` }),
    clock: systemClock,
    newId: () => newId(),
    regions: catalogSettings().regions,
    currency: getConfig().currency,
  });
