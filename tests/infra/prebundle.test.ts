/**
 * The prebundler (infra/prebundle.ts) must produce exactly what NodejsFunction would: deployed and
 * local bundles are the same files whichever of the two built them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { afterAll, expect, it } from 'vitest';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { PROJECT_ROOT, ServiceFunction } from '../../infra/constructs/service-function.ts';
import { esbuildOptions } from '../../infra/prebundle.ts';
import { stageSettings } from '../../infra/stage.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'prebundle-test-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

it('builds byte-identical bundles and source maps to NodejsFunction', async () => {
  const entry = 'functions/platform/handlers/get-health.ts';
  const app = new App({ outdir: path.join(work, 'cdk'), context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'PrebundleTest');
  new ServiceFunction(stack, 'Fn', { entry, description: 'test', stage: stageSettings('dev'), logGroup: new LogGroup(stack, 'Logs'), asyncFailures: new SqsDestination(new Queue(stack, 'Q')) });
  const template = app.synth().getStackByName('PrebundleTest').template as { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> };
  const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
  const cdkBundle = path.join(work, 'cdk', String(fn?.Metadata?.['aws:asset:path']));

  const ours = path.join(work, 'ours');
  const assetDir = `${path.basename(cdkBundle)}-building`;
  await build({ ...esbuildOptions(), entryPoints: { [`${assetDir}/index`]: path.join(PROJECT_ROOT, entry) }, outdir: ours });
  for (const file of ['index.mjs', 'index.mjs.map']) {
    expect(fs.readFileSync(path.join(ours, assetDir, file)).equals(fs.readFileSync(path.join(cdkBundle, file))), file).toBe(true);
  }
});
