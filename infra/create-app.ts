/**
 * Builds the CDK app: one {@link CommerceStack} for the stage, with cdk-nag's AwsSolutions and
 * Serverless packs applied (their errors fail the synthesis). Used by `infra/app.ts` (the CDK CLI),
 * by the local cloud (in-process synthesis) and by the infra tests — one definition everywhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { CommerceStack } from './commerce-stack.ts';
import { stageSettings, type StageSettings } from './stage.ts';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

/** The feature flags and defaults of cdk.json, so in-process synthesis behaves like `cdk synth`. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

export interface CreateAppOptions {
  /** Stage name (default: the app's `stage` context, else `dev`). */
  readonly stage?: string;
  /** Cloud assembly directory (in-process synthesis). */
  readonly outdir?: string;
  /** Extra context (e.g. `corsAllowOrigin`); it overrides context the CDK CLI passes. */
  readonly context?: Record<string, unknown>;
  /** An existing app (the CLI's); otherwise one is created. */
  readonly app?: App;
  /** Run the cdk-nag packs (default true; the prebundler's planning pass skips them). */
  readonly checks?: boolean;
  /**
   * Validate the templates against the CloudFormation resource schemas (aws-cdk-lib's built-in
   * validation; default true). Its findings are warnings, never failures, and it is about half of a
   * synthesis (≈ 4 s of wasm): the local cloud's in-process synthesis (infra/local/synth.ts) turns it
   * off; `npx cdk synth` and `cdk deploy` keep it.
   */
  readonly cloudFormationValidation?: boolean;
}

/** See the module documentation. */
export function createApp(options: CreateAppOptions = {}): { app: App; stack: CommerceStack } {
  // Asset metadata (the bundle directory of each function) is what the local cloud runs; the CLI
  // turns it on by default, in-process synthesis must ask for it.
  // `context` given here wins over the CLI's (CDK_CONTEXT_JSON): the prebundler's planning pass
  // must not bundle even when the CLI asks every stack to be bundled.
  const app =
    options.app ??
    new App({
      outdir: options.outdir,
      context: { ...cdkJsonContext(), 'aws:cdk:enable-asset-metadata': true },
      postCliContext: options.context,
      builtinCloudFormationValidation: options.cloudFormationValidation ?? true,
    });
  const stageName = options.stage ?? String(app.node.tryGetContext('stage') ?? 'dev');
  const stage = stageSettings(stageName);
  const cors = app.node.tryGetContext('corsAllowOrigin');
  const withCors = typeof cors === 'string' && cors ? { ...stage, corsAllowOrigin: cors } : stage;
  const keepLegacyOrdersIndex = app.node.tryGetContext('keepLegacyOrdersIndex');
  const settings = {
    ...withCors,
    ...notificationSenderOf(withCors, app.node.tryGetContext('notificationSender')),
    ...(keepLegacyOrdersIndex === true || keepLegacyOrdersIndex === 'true' ? { keepLegacyOrdersIndex: true } : {}),
  };
  const stack = new CommerceStack(app, `Commerce-${stage.name}`, {
    stage: settings,
    description: `Serverless commerce platform (${stage.name})`,
    // No environment lookups: synthesis works offline; account/region come from the deploy profile.
  });
  Tags.of(stack).add('project', 'serverless-commerce');
  Tags.of(stack).add('stage', stage.name);
  if (options.checks !== false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }), new ServerlessChecks(app, { verbose: true }));
  return { app, stack };
}

/**
 * The From address of notification emails (stages whose notifications go through SES): the
 * `notificationSender` context (an address; its domain is the SES identity), else `no-reply@` the
 * storefront's host (`corsAllowOrigin`), else the stage's own.
 */
function notificationSenderOf(stage: StageSettings, context: unknown): Pick<StageSettings, 'notificationSender'> {
  if (stage.notificationProvider !== 'aws') return {};
  if (typeof context === 'string' && context) {
    const at = context.lastIndexOf('@');
    if (at < 1 || at === context.length - 1) throw new Error(`notificationSender must be an email address, got ${context}`);
    return { notificationSender: { email: context, identity: context.slice(at + 1) } };
  }
  if (stage.corsAllowOrigin.startsWith('https://')) {
    const host = new URL(stage.corsAllowOrigin).hostname;
    return { notificationSender: { email: `no-reply@${host}`, identity: host } };
  }
  return stage.notificationSender ? { notificationSender: stage.notificationSender } : {};
}
