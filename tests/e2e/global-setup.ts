/**
 * End-to-end tests share ONE local cloud per run: the real app synthesized and run exactly as
 * `npm start` runs it, on free ports, with DynamoDB in memory and the rest of its state (event
 * archive, queue journals, function logs, keys) in a temporary directory. Tests talk to it over
 * HTTP as a client would, and isolate themselves by unique ids.
 *
 * After the suite, SEC-2's sweep searches every table and every state file for the personal data
 * the tests sent (tests/support/personal-data-sweep.ts); a hit fails the run, naming where it is.
 * When an e2e file failed (and the sweep found nothing), the functions' error lines are printed (the
 * last few of each function's log; a line holding any of the tests' personal strings is withheld,
 * as lines written after the sweep were not swept) and the logs copied to
 * `node_modules/.cache/e2e-function-logs/` (cleared when a run starts) before the state is removed:
 * a 500 in CI names its cause. This report never fails the run. A key the logger dropped does: a
 * log call that passed one of the logger's own keys (`level`, `message`, …) lost that field from
 * every line it wrote (tests/support/function-logs.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TestProject } from 'vitest/node';
import { synthesize, TEST_ASSEMBLY_DIR } from '../../infra/local/synth.ts';
import { startLocalCloud, readPools } from '../../infra/local/cloud.ts';
import { seedDemoData } from '../../infra/local/seed.ts';
import { droppedLogKeys, functionErrorLines } from '../support/function-logs.ts';
import { PERSONAL_STRINGS, sweepForPersonalData } from '../support/personal-data-sweep.ts';
import { tablesByCapability, type LocalTables } from '../support/tables.ts';

const KEPT_LOGS = path.join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'e2e-function-logs');

export default async function setup(project: TestProject) {
  fs.rmSync(KEPT_LOGS, { recursive: true, force: true });
  const { assemblyDir } = await synthesize({ outdir: TEST_ASSEMBLY_DIR });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-e2e-'));
  // alarms evaluated every second on periods a tenth as long (a 60 s alarm lasts 6 s): the DLQ drill takes seconds
  const cloud = await startLocalCloud({ assemblyDir, dataDir, dynamodbInMemory: true, asyncRetryDelaysMs: [500, 500], alarmIntervalMs: 1000, alarmPeriodScale: 0.1 });
  await seedDemoData(cloud);
  const { pools } = readPools(cloud.names);
  project.provide('e2e', {
    apiUrl: cloud.endpoints.api,
    sdkEnv: cloud.sdkEnv,
    issuerSecret: Buffer.from((cloud.issuer as unknown as { secret: Uint8Array }).secret).toString('base64'),
    pools: [...pools.values()].map((p) => ({ poolId: p.poolId, clientId: p.clientId, groups: [...p.groups] })),
    tables: tablesByCapability(cloud.names) as LocalTables,
    dataDir,
    fieldKeyId: String(
      cloud.names
        .ofType('AWS::Lambda::Function')
        .map((f) => (f.properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.FIELD_ENCRYPTION_KEY_ID)
        .find((v) => typeof v === 'string'),
    ),
  });
  return async () => {
    let hits: Awaited<ReturnType<typeof sweepForPersonalData>> = [];
    try {
      const dynamodb = new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.sdkEnv.AWS_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      hits = await sweepForPersonalData({ dynamodb, tableNames: cloud.names.ofType('AWS::DynamoDB::Table').map((t) => cloud.tableName(t.logicalId)), dataDir });
      dynamodb.destroy();
    } finally {
      await cloud.stop();
    }
    console.log(`SEC-2 sweep after the e2e suite: ${hits.length} place(s) with personal data in clear`);
    if (hits.length === 0) {
      try {
        reportFunctionErrors(project, path.join(dataDir, 'logs'));
      } catch (error) {
        console.log(`the functions' error lines could not be read: ${(error as Error).message}`);
      }
    }
    if (hits.length > 0)
      throw new Error(`SEC-2: personal data in clear after the e2e suite (state kept in ${dataDir}):\n${hits.map((h) => `  ${h.where}: ${h.found}`).join('\n')}`);
    let dropped: ReturnType<typeof droppedLogKeys> = [];
    try {
      dropped = droppedLogKeys(path.join(dataDir, 'logs'));
    } catch (error) {
      console.log(`the functions' logs could not be read for dropped keys: ${(error as Error).message}`);
    }
    if (dropped.length > 0)
      throw new Error(
        `the logger dropped keys that log calls passed (their values are missing from those lines; logs kept in ${dataDir}):\n${dropped.map((d) => `  ${d.fn}: "${d.key}" × ${d.lines}`).join('\n')}`,
      );
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

/** When an e2e file failed: the functions' last error lines, and a copy of their logs (see the module documentation). */
function reportFunctionErrors(project: TestProject, logDir: string): void {
  const failed = project.vitest.state.getFailedFilepaths().filter((file) => file.replaceAll('\\', '/').includes('/tests/e2e/'));
  if (failed.length === 0) return;
  const lines = functionErrorLines(logDir);
  console.log(`function errors logged during the e2e suite (${failed.length} file(s) failed; the last ${lines.length} error lines, up to 5 per function):`);
  for (const { fn, line } of lines) console.log(`  ${fn}: ${PERSONAL_STRINGS.some((s) => line.includes(s)) ? '(withheld: it holds a personal string of the tests)' : line}`);
  if (fs.existsSync(logDir)) fs.cpSync(logDir, KEPT_LOGS, { recursive: true });
  console.log(`the functions' logs of this run: ${KEPT_LOGS}`);
}
