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
  // One after the other, in name order: checkout's demo promotions name catalog's demo products (the
  // staff use cases check them), and every seeder writes its changes to the one audit chain.
  const results: Array<{ seeder: (typeof seeders)[number]; result: Awaited<ReturnType<typeof cloud.lambda.invoke>> }> = [];
  for (const seeder of seeders) results.push({ seeder, result: await cloud.lambda.invoke(seeder.name, {}) });
  const failures = results.flatMap(({ seeder, result }) => (result.status === 'error' ? [`${seeder.logicalId} failed: ${result.errorType}: ${result.errorMessage}`] : []));
  if (failures.length > 0) throw new Error(`demo data: ${failures.join('; ')}`);
  return results.some(({ result }) => result.status === 'ok' && (result.payload as { seeded?: boolean } | null)?.seeded === true);
}
