/**
 * Synthesizes the app for template assertions. Bundling is skipped (`aws:cdk:bundling-stacks` = [])
 * because these tests read the template, not the bundles; cdk-nag still runs at synthesis.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { App } from 'aws-cdk-lib';
import { createApp } from '../../infra/create-app.ts';
import type { CommerceStack } from '../../infra/commerce-stack.ts';

export interface Synthesized {
  readonly app: App;
  readonly stack: CommerceStack;
  readonly template: Template;
  readonly json: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }> };
}

/** Synthesizes stage `stage` without bundling. */
export function synth(stage: 'dev' | 'prod'): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `infra-${stage}-`));
  const { app, stack } = createApp({ stage, outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const assembly = app.synth();
  const json = assembly.getStackByName(stack.stackName).template as Synthesized['json'];
  fs.rmSync(outdir, { recursive: true, force: true });
  return { app, stack, template: Template.fromJSON(json), json };
}

/** Resources of one type, by logical id. */
export function resourcesOf(json: Synthesized['json'], type: string): Array<[string, Record<string, unknown>]> {
  return Object.entries(json.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}
