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
import { flattenNestedStacks } from '../../infra/local/nested-stacks.ts';
import { deployTimeProviders, type StackTemplate } from '../../infra/local/template.ts';
import type { CommerceStack } from '../../infra/commerce-stack.ts';

export interface Synthesized {
  readonly app: App;
  readonly stack: CommerceStack;
  readonly template: Template;
  /** Resource count of each template (parent and nested), against CloudFormation's 500 per stack. */
  readonly resourcesPerStack: Record<string, number>;
  readonly json: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }> };
  /** The parent stack's own template, unmerged (its nested stacks as AWS::CloudFormation::Stack resources with their Parameters). */
  readonly parent: Synthesized['json'];
}

const synthesized = new Map<'dev' | 'prod', Synthesized>();

/**
 * Synthesizes stage `stage` without bundling — once per test run: the infra files run in one
 * process (vitest.config.ts: no isolation, one fork) and share it. Tests only read what it returns.
 */
export function synth(stage: 'dev' | 'prod'): Synthesized {
  let result = synthesized.get(stage);
  if (!result) {
    result = synthesizeStage(stage);
    synthesized.set(stage, result);
  }
  return result;
}

function synthesizeStage(stage: 'dev' | 'prod'): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `infra-${stage}-`));
  const { app, stack } = createApp({ stage, outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const assembly = app.synth();
  // The parent stack with its nested stacks (API, capabilities) merged in, as the local cloud runs it.
  const parent = assembly.getStackByName(stack.stackName);
  const merged = flattenNestedStacks(
    { ...(parent.template as Omit<StackTemplate, 'stackName' | 'templateFile'>), stackName: stack.stackName, templateFile: parent.templateFile },
    assembly.directory,
  );
  const json = { Resources: merged.Resources } as Synthesized['json'];
  const perStack = Object.fromEntries(
    fs
      .readdirSync(assembly.directory)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => [f, Object.keys((JSON.parse(fs.readFileSync(path.join(assembly.directory, f), 'utf8')) as { Resources: object }).Resources).length]),
  );
  fs.rmSync(outdir, { recursive: true, force: true });
  return { app, stack, template: Template.fromJSON(json), json, parent: { Resources: (parent.template as Synthesized['json']).Resources }, resourcesPerStack: perStack };
}

/** Resources of one type, by logical id. */
export function resourcesOf(json: Synthesized['json'], type: string): Array<[string, Record<string, unknown>]> {
  return Object.entries(json.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

/**
 * The app's own functions (every ServiceFunction), by logical id: every function but the deploy-time
 * custom-resource providers (the console's BucketDeployment, a Python function CloudFormation runs
 * while deploying — tests/infra/console.test.ts pins its runtime role and grants).
 */
export function functionsOf(json: Synthesized['json']): Array<[string, Record<string, unknown>]> {
  const providers = deployTimeProviders(json as Pick<StackTemplate, 'Resources'>);
  return resourcesOf(json, 'AWS::Lambda::Function').filter(([id]) => !providers.has(id));
}
