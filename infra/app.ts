/** The CDK app entry (`npx cdk synth|deploy -c stage=dev|prod`). */
import { App } from 'aws-cdk-lib';
import { createApp } from './create-app.ts';
import { prebundle } from './prebundle.ts';

const app = new App();
// Build every function's bundle in one esbuild run first; NodejsFunction then finds them cached.
await prebundle(app.outdir, { stage: String(app.node.tryGetContext('stage') ?? 'dev') });
createApp({ app });
