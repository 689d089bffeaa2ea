/**
 * Demo data: the local cloud runs every function of the stack whose logical id starts with
 * `SeedDemo` (deployed in the dev stage only), the same code an operator can invoke on AWS. Each
 * seeder is idempotent (a marker item), so this runs on every start and writes only once. Seeders
 * belong to different capabilities and write only their own tables (and the one audit chain, which
 * takes concurrent appends), so they run side by side — except those that name another's data:
 * checkout's demo promotions name catalog's demo products, so checkout's waits for catalog's.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Plan } from '../prebundle.ts';
import type { LocalCloud } from './cloud.ts';

/** A seeder's handler file: `functions/<capability>/handlers/seed-demo-<what>.ts`. */
const SEEDER_ENTRY = /^functions\/[^/]+\/handlers\/seed-demo-[^/]+\.ts$/;

/**
 * Builds the seeders' bundles that `assemblyDir` lacks (`npm start` bundles functions on demand):
 * started as soon as the plan is known, it runs while the local services start — mostly DynamoDB
 * Local creating tables — instead of when the seeders are invoked. A warm start finds them built
 * and loads nothing.
 */
export async function buildSeederBundles(assemblyDir: string, plan: Plan): Promise<void> {
  const missing = plan.filter((b) => SEEDER_ENTRY.test(b.entry) && !fs.existsSync(path.join(assemblyDir, `asset.${b.assetHash}`)));
  if (missing.length === 0) return;
  const { buildBundles } = await import('../prebundle.ts');
  await buildBundles(assemblyDir, missing);
}

/** Runs the seeders; true when any of them wrote data now. Throws naming every seeder that failed. */
export async function seedDemoData(cloud: Pick<LocalCloud, 'lambda'>): Promise<boolean> {
  const seeders = cloud.lambda.functions.filter((f) => f.logicalId.startsWith('SeedDemo')).sort((a, b) => a.logicalId.localeCompare(b.logicalId));
  /** Seeders that must run after another's (by logical id prefix). */
  const after: Readonly<Record<string, string>> = { SeedDemoCheckout: 'SeedDemoCatalog' };
  const results: Array<{ seeder: (typeof seeders)[number]; result: Awaited<ReturnType<typeof cloud.lambda.invoke>> }> = [];
  const running = new Map<string, Promise<void>>();
  const start = (seeder: (typeof seeders)[number]): Promise<void> => {
    const existing = running.get(seeder.logicalId);
    if (existing) return existing;
    const dependency = Object.entries(after).find(([prefix]) => seeder.logicalId.startsWith(prefix))?.[1];
    const first = dependency ? seeders.find((s) => s.logicalId.startsWith(dependency)) : undefined;
    const run = (first ? start(first) : Promise.resolve()).then(async () => {
      results.push({ seeder, result: await cloud.lambda.invoke(seeder.name, {}) });
    });
    running.set(seeder.logicalId, run);
    return run;
  };
  await Promise.all(seeders.map(start));
  const failures = results.flatMap(({ seeder, result }) => (result.status === 'error' ? [`${seeder.logicalId} failed: ${result.errorType}: ${result.errorMessage}`] : []));
  if (failures.length > 0) throw new Error(`demo data: ${failures.join('; ')}`);
  return results.some(({ result }) => result.status === 'ok' && (result.payload as { seeded?: boolean } | null)?.seeded === true);
}
