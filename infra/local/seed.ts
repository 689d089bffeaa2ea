/**
 * Demo data: the local cloud runs every function of the stack whose logical id starts with
 * `SeedDemo` (deployed in the dev stage only), the same code an operator can invoke on AWS. Each
 * seeder is idempotent (a marker item), so this runs on every start and writes only once. Seeders
 * belong to different capabilities and write only their own tables, so they run side by side.
 */
import type { LocalCloud } from './cloud.ts';

/** Runs the seeders; true when any of them wrote data now. Throws naming every seeder that failed. */
export async function seedDemoData(cloud: Pick<LocalCloud, 'lambda'>): Promise<boolean> {
  const seeders = cloud.lambda.functions.filter((f) => f.logicalId.startsWith('SeedDemo')).sort((a, b) => a.logicalId.localeCompare(b.logicalId));
  const results = await Promise.all(seeders.map(async (seeder) => ({ seeder, result: await cloud.lambda.invoke(seeder.name, {}) })));
  const failures = results.flatMap(({ seeder, result }) => (result.status === 'error' ? [`${seeder.logicalId} failed: ${result.errorType}: ${result.errorMessage}`] : []));
  if (failures.length > 0) throw new Error(`demo data: ${failures.join('; ')}`);
  return results.some(({ result }) => result.status === 'ok' && (result.payload as { seeded?: boolean } | null)?.seeded === true);
}
