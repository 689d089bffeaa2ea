/**
 * End-to-end tests share ONE local cloud per run: the real app synthesized and run exactly as
 * `npm start` runs it, but with in-memory state and free ports. Tests talk to it over HTTP as a
 * client would, and isolate themselves by unique ids.
 */
import type { TestProject } from 'vitest/node';
import { synthesize, TEST_ASSEMBLY_DIR } from '../../infra/local/synth.ts';
import { startLocalCloud, readPools } from '../../infra/local/cloud.ts';
import { seedDemoData } from '../../infra/local/seed.ts';
import { tablesByCapability, type LocalTables } from '../support/tables.ts';

export default async function setup(project: TestProject) {
  const { assemblyDir } = await synthesize({ outdir: TEST_ASSEMBLY_DIR });
  const cloud = await startLocalCloud({ assemblyDir, asyncRetryDelaysMs: [500, 500] });
  await seedDemoData(cloud);
  const { pools } = readPools(cloud.names);
  project.provide('e2e', {
    apiUrl: cloud.endpoints.api,
    sdkEnv: cloud.sdkEnv,
    issuerSecret: Buffer.from((cloud.issuer as unknown as { secret: Uint8Array }).secret).toString('base64'),
    pools: [...pools.values()].map((p) => ({ poolId: p.poolId, clientId: p.clientId, groups: [...p.groups] })),
    tables: tablesByCapability(cloud.names) as LocalTables,
  });
  return async () => {
    await cloud.stop();
  };
}
