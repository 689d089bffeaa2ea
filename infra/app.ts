/** The CDK app entry (`npx cdk synth|deploy -c stage=dev|prod`). */
import { App } from 'aws-cdk-lib';
import { createApp } from './create-app.ts';

createApp({ app: new App() });
