/** The CDK app entry (`npx cdk synth|deploy -c stage=dev|prod`). */
import { App } from 'aws-cdk-lib';
import path from 'node:path';
import { buildConsole } from '../console/build.ts';
import { CONSOLE_BUILD_DIR } from './console.ts';
import { createApp } from './create-app.ts';
import { prebundle } from './prebundle.ts';

const app = new App();
// Build every function's bundle in one esbuild run first; NodejsFunction then finds them cached.
await prebundle(app.outdir, { stage: String(app.node.tryGetContext('stage') ?? 'dev') });
// The staff console, built fresh into the assembly for the BucketDeployment to upload.
await buildConsole(path.join(app.outdir, CONSOLE_BUILD_DIR));
createApp({ app });
