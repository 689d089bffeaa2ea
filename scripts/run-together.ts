/**
 * Runs npm scripts at the same time and fails if any fails: `tsx scripts/run-together.ts a b`.
 * `npm test` uses it for steps that mostly wait (the e2e suite waits on its local cloud, the README
 * suite on its commands), so the whole suite fits CI's budget on two cores. Each script's output is
 * printed in one block when it ends (never interleaved), with its time and exit status.
 */
import { spawn } from 'node:child_process';

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error('usage: tsx scripts/run-together.ts <npm script> [<npm script> …]');
  process.exit(2);
}

const runs = scripts.map(
  (script) =>
    new Promise<{ script: string; code: number; seconds: number }>((resolve) => {
      const started = Date.now();
      const child = spawn('npm', ['run', '-s', script], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.stderr.on('data', (c: Buffer) => chunks.push(c));
      child.once('close', (code, signal) => {
        const seconds = Math.round((Date.now() - started) / 1000);
        const status = code ?? (signal ? 1 : 0);
        process.stdout.write(`\n── npm run ${script} (${seconds} s, ${status === 0 ? 'passed' : `FAILED with ${code ?? signal}`}) ──\n`);
        process.stdout.write(Buffer.concat(chunks));
        resolve({ script, code: status, seconds });
      });
    }),
);

const results = await Promise.all(runs);
const failed = results.filter((r) => r.code !== 0);
console.log(`\nrun-together: ${results.map((r) => `${r.script} ${r.code === 0 ? 'passed' : 'FAILED'} in ${r.seconds} s`).join(', ')}`);
process.exit(failed.length > 0 ? 1 : 0);
