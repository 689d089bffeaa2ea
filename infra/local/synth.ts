/**
 * Synthesizes the CDK app in-process into a cloud assembly directory (what `npx cdk synth` does,
 * without the CLI's start-up cost). cdk-nag runs as part of it; its errors fail the synthesis.
 */
import path from 'node:path';
import { createApp } from '../create-app.ts';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

export interface SynthResult {
  assemblyDir: string;
  stackName: string;
  milliseconds: number;
}

export function synthesize(options: { outdir?: string; stage?: string } = {}): SynthResult {
  const started = Date.now();
  const outdir = options.outdir ?? path.join(PROJECT_ROOT, 'cdk.out');
  const { app, stack } = createApp({ stage: options.stage ?? 'dev', outdir });
  const assembly = app.synth();
  const errors = assembly.stacks.flatMap((s) => s.messages.filter((m) => m.level === 'error'));
  if (errors.length > 0) {
    throw new Error(`Synthesis reported ${errors.length} error(s):\n${errors.map((e) => `  ${e.id}: ${String(e.entry.data)}`).join('\n')}`);
  }
  return { assemblyDir: assembly.directory, stackName: stack.stackName, milliseconds: Date.now() - started };
}
