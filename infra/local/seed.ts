/**
 * Demo data: the local cloud runs every function of the stack whose logical id starts with
 * `SeedDemo` (deployed in the dev stage only), the same code an operator can invoke on AWS. Each
 * seeder is idempotent (a marker item), so this runs on every start and writes only once.
 */
import type { LocalCloud } from './cloud.ts';

/** Runs the seeders; true when any of them wrote data now. Throws naming a seeder that failed. */
export async function seedDemoData(cloud: Pick<LocalCloud, 'lambda'>): Promise<boolean> {
  const seeders = cloud.lambda.functions.filter((f) => f.logicalId.startsWith('SeedDemo')).sort((a, b) => a.logicalId.localeCompare(b.logicalId));
  let seeded = false;
  for (const seeder of seeders) {
    const result = await cloud.lambda.invoke(seeder.name, {});
    if (result.status === 'error') throw new Error(`demo data: ${seeder.logicalId} failed: ${result.errorType}: ${result.errorMessage}`);
    if ((result.payload as { seeded?: boolean } | null)?.seeded) seeded = true;
  }
  return seeded;
}
