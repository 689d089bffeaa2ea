/**
 * The local runtime's per-function busy time (`stats().busyMs`): what its environments spent running
 * code (waiting for a core included), as opposed to idling on I/O — what `npm run bench:checkout`
 * prints per function to show where the local cloud's time goes. Waiting on a timer or a network
 * call is billed, not busy; an environment that dies keeps the busy time it had.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LambdaRuntime } from '../../../infra/local/lambda-runtime.ts';
import { localFunction } from '../../support/local-functions.ts';

const CODE = `export const handler = async (event) => {
  if (event.spinMs) { const until = performance.now() + event.spinMs; while (performance.now() < until); }
  if (event.waitMs) await new Promise((resolve) => setTimeout(resolve, event.waitMs));
  if (event.exit) process.exit(1);
  return 'done';
};
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'busy-meter-'));
fs.writeFileSync(path.join(dir, 'index.mjs'), CODE);

const runtime = new LambdaRuntime({ functions: [localFunction('Spins', dir), localFunction('Waits', dir), localFunction('Dies', dir)], baseEnv: { NODE_OPTIONS: '' } });

afterAll(async () => {
  await runtime.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('busy time of local Lambda environments', () => {
  it('counts the time a handler runs code, not the time it waits', async () => {
    await runtime.invoke('Spins', {});
    await runtime.invoke('Waits', {});
    const before = runtime.stats();
    expect(await runtime.invoke('Spins', { spinMs: 300 })).toMatchObject({ status: 'ok' });
    expect(await runtime.invoke('Waits', { waitMs: 300 })).toMatchObject({ status: 'ok' });
    const after = runtime.stats();
    const busy = (name: string) => (after[name]?.busyMs ?? 0) - (before[name]?.busyMs ?? 0);
    const billed = (name: string) => (after[name]?.billedMs ?? 0) - (before[name]?.billedMs ?? 0);

    // A spinning loop keeps the event loop active for at least as long as it spins.
    expect(busy('Spins')).toBeGreaterThanOrEqual(280);
    // Waiting on a timer is billed (wall clock) but not busy: the loop sits idle meanwhile.
    expect(billed('Waits')).toBeGreaterThanOrEqual(300);
    expect(busy('Waits')).toBeLessThan(150);
  });

  it('keeps the busy time of an environment that died', async () => {
    expect(await runtime.invoke('Dies', { spinMs: 200 })).toMatchObject({ status: 'ok' });
    const before = runtime.stats().Dies?.busyMs ?? 0;
    expect(before).toBeGreaterThanOrEqual(180);
    expect(await runtime.invoke('Dies', { exit: true })).toMatchObject({ status: 'error', errorType: 'Runtime.ExitError' });
    expect(runtime.stats().Dies?.busyMs ?? 0).toBeGreaterThanOrEqual(before);
  });
});
