/**
 * The README is executable documentation: every command in its code blocks runs here, as a user
 * runs it, on a CLEAN copy of the project (the files git tracks or would track — no cdk.out, no
 * .data, no caches of this working tree; node_modules linked, as after `npm install`), in the
 * README's order. A command that fails fails the suite. Commands that cannot run on this machine
 * are listed below with the reason, and a test keeps that list and the README in step: a new
 * command in the README must either run here or say why it cannot.
 *
 * Adaptations, each stated with its command: the local cloud runs on free ports instead of 3000,
 * 4566 and 8000 (a developer's own `npm start` may hold those), so `localhost:3000` in a command is
 * the test's API port; `curl` fails on an HTTP error status (`--fail-with-body`); benchmarks run
 * with small sizes; `tail -f` reads instead of following.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSupported, readAssembly, type StackTemplate } from '../../infra/local/template.ts';
import { checkDeployableAssembly } from '../support/deployable-assembly.ts';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
const README = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** How each README command is run: as written (`run`), adapted (`runAs`), or not here (`cannot`). */
type Plan =
  | { kind: 'start'; runAs?: string; why?: string }
  | { kind: 'run'; runAs?: string; why?: string; timeoutMs?: number; check?: (out: Outcome, dir: string) => void }
  | { kind: 'cannot'; why: string };

const json = (out: Outcome) => JSON.parse(out.stdout) as Record<string, unknown>;

const PLANS: Record<string, Plan> = {
  'npm install && npm start': { kind: 'start', runAs: 'npm start', why: 'dependencies are already installed: CI runs `npm install` on a clean clone before this suite' },
  'npm install && npm test': { kind: 'cannot', why: 'it is the command running this test (CI runs exactly it on a clean clone)' },
  'curl localhost:3000/health': { kind: 'run', check: (out) => expect(json(out)).toMatchObject({ status: 'ok' }) },
  "curl 'localhost:3000/products?limit=5'": { kind: 'run', check: (out) => expect((json(out).items as unknown[]).length).toBeGreaterThan(0) },
  'curl localhost:3000/openapi.json': { kind: 'run', check: (out) => expect(String(json(out).openapi)).toMatch(/^3\.1/) },
  'TOKEN=$(npm run -s token -- --sub alice --role customer)': { kind: 'run', check: (out) => expect(out.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/) },
  'curl -H "authorization: Bearer $TOKEN" localhost:3000/orders': { kind: 'run', check: (out) => expect(Array.isArray(json(out).items)).toBe(true) },
  'aws dynamodb list-tables': {
    kind: 'cannot',
    why: 'needs the AWS CLI, which is not a dependency of the project; the same local endpoints are driven by the real AWS SDK clients in tests/integration/local-cloud',
  },
  'aws sqs list-queues': { kind: 'cannot', why: 'needs the AWS CLI (see above)' },
  'npm run token -- --sub alice --role customer': { kind: 'run', check: (out) => expect(out.stdout.trim().split('\n').at(-1)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/) },
  'npm run invoke -- BannedTermsScanFunction': { kind: 'run', check: (out) => expect(out.stderr).toMatch(/^ok in \d+ ms/m) },
  'npm run invoke -- ExpireUnpaidOrdersFunction docs/examples/scheduled-event.json': { kind: 'run', check: (out) => expect(out.stderr).toMatch(/^ok in \d+ ms/m) },
  'tail -f .data/logs/Commerce-dev-BannedTermsScanFunction.log': {
    kind: 'run',
    runAs: 'tail -n 20 .data/logs/Commerce-dev-BannedTermsScanFunction.log',
    why: '`tail -f` follows the file for ever',
    check: (out) => expect(out.stdout).toMatch(/"level"/),
  },
  'npm start -- --reset': { kind: 'start' },
  'npm run ops': { kind: 'run', check: (out) => expect(out.stdout).toMatch(/^Alarms \(\d+ evaluated at .*\n[\s\S]*Queues \(/m) },
  'npm run ops -- redrive AsyncInvocationFailures': {
    kind: 'run',
    check: (out) => expect(out.stdout).toMatch(/AsyncInvocationFailures: (nothing to redrive|\d+ failed invocation)/),
  },
  'npm run restore-drill': { kind: 'run', timeoutMs: 300_000, check: (out) => expect(out.stdout).toMatch(/^Restore drill: PASSED/m) },
  'npm run build': {
    kind: 'run',
    runAs: 'BUILD_IMPORT_RUNS=1 BUILD_FUNCTIONS=PlaceOrderFunction npm run build',
    why: 'one function timed once against its bare twin instead of every function seven times: the sizes and the budget are checked for all, the times are not the point here',
    timeoutMs: 300_000,
    check: (out) => expect(out.stdout).toMatch(/All \d+ bundles within/),
  },
  'npm run bench:checkout': {
    kind: 'run',
    runAs: 'npm run bench:checkout -- --clients 2 --orders 6 --warmup 2',
    why: 'a small run: the numbers are not the point here, that it runs is',
    timeoutMs: 300_000,
    check: (out) => expect(out.stdout).toMatch(/orders\/s/),
  },
  'npm run load -- --rate 5 --duration 30': {
    kind: 'run',
    runAs: 'npm run load -- --rate 2 --duration 5',
    why: 'a small run: that the mix runs and reports is checked, not the figures (they depend on the machine)',
    timeoutMs: 300_000,
    check: (out) => expect(out.stdout).toMatch(/req\/s[\s\S]*p99 ms[\s\S]*server errors \(5xx, network\): \d+/),
  },
  'npm run bench:risk': {
    kind: 'run',
    runAs: 'BENCH_WARMUP=2 BENCH_SAMPLES=5 BENCH_THROUGHPUT=10 npm run bench:risk',
    why: 'a small run (see above)',
    timeoutMs: 300_000,
    check: (out) => expect(out.stdout).toMatch(/p50/),
  },
  'npx cdk bootstrap': { kind: 'cannot', why: 'needs an AWS account and credentials; nothing here can reach AWS' },
  'npx cdk synth -c stage=dev': { kind: 'run', timeoutMs: 300_000, check: (_out, dir) => expectDeployable(dir, 'Commerce-dev') },
  'npx cdk synth -c stage=prod -c corsAllowOrigin=https://shop.example.com': {
    kind: 'run',
    timeoutMs: 300_000,
    check: (_out, dir) => {
      expectDeployable(dir, 'Commerce-prod');
      const templates = fs.readdirSync(path.join(dir, 'cdk.out')).filter((f) => f.endsWith('.template.json'));
      expect(templates.some((f) => fs.readFileSync(path.join(dir, 'cdk.out', f), 'utf8').includes('https://shop.example.com'))).toBe(true);
    },
  },
  'npx cdk deploy -c stage=dev': {
    kind: 'cannot',
    why: 'needs an AWS account; the assembly it would deploy is checked after `npx cdk synth -c stage=dev` instead (assets present, CloudFormation limits, every reference and parameter resolvable)',
  },
  'npx cdk deploy -c stage=prod -c corsAllowOrigin=https://shop.example.com': {
    kind: 'cannot',
    why: 'needs an AWS account; the same assembly is checked after the prod `npx cdk synth` above',
  },
};

function expectDeployable(dir: string, stackName: string) {
  const assembly = path.join(dir, 'cdk.out');
  const { problems, templates, assets } = checkDeployableAssembly(assembly);
  expect(problems).toEqual([]);
  expect(templates.map((t) => t.file)).toContain(`${stackName}.template.json`);
  expect(assets).toBeGreaterThan(templates.length);
  // …and the local cloud runs what the CLI synthesized (its stacks carry the CLI's Conditions).
  const [stack, ...others] = readAssembly(assembly);
  expect(others).toEqual([]);
  expect(stack?.Conditions).toBeUndefined();
  expect(() => assertSupported(stack as StackTemplate)).not.toThrow();
  expect(Object.values((stack as StackTemplate).Resources).filter((r) => r.Type === 'AWS::CDK::Metadata').length).toBeGreaterThan(1);
}

/** The commands of the README's shell code blocks, in order, without their trailing comments. */
export function readmeCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const [, language, body] of markdown.matchAll(/^```([\w-]*)\n([\s\S]*?)^```/gm)) {
    if (!['bash', 'sh', 'shell', ''].includes(String(language))) continue;
    for (const line of String(body).split('\n')) {
      const command = line.replace(/\s{2,}#.*$/, '').trim();
      if (command && !command.startsWith('#')) commands.push(command);
    }
  }
  return commands;
}

const commands = readmeCommands(README);

it('every command in the README either runs below or says why it cannot run here', () => {
  expect(commands.length).toBeGreaterThan(10);
  const unplanned = commands.filter((c) => !Object.hasOwn(PLANS, c));
  expect(unplanned, 'README commands this test does not know: add each to PLANS').toEqual([]);
  const stale = Object.keys(PLANS).filter((c) => !commands.includes(c));
  expect(stale, 'PLANS entries no longer in the README').toEqual([]);
  const cannot = commands.flatMap((c) => {
    const plan = PLANS[c] as Plan;
    return plan.kind === 'cannot' ? [`  ${c}\n      ${plan.why}`] : [];
  });
  console.log(`README commands not run here (${cannot.length} of ${commands.length}):\n${cannot.join('\n')}`);
});

describe('README commands on a clean copy of the project', () => {
  let dir = '';
  let ports = { api: 0, aws: 0, dynamodb: 0 };
  const variables: Record<string, string> = {};
  let cloud: ChildProcess | undefined;

  const env = () => ({
    ...process.env,
    ...variables,
    PORT: String(ports.api),
    LOCAL_AWS_PORT: String(ports.aws),
    LOCAL_DYNAMODB_PORT: String(ports.dynamodb),
    // a test run's own settings must not leak into the user's commands
    VITEST: undefined,
    VITEST_POOL_ID: undefined,
    VITEST_WORKER_ID: undefined,
    NODE_ENV: undefined,
  });
  const localize = (command: string) => command.replaceAll('localhost:3000', `localhost:${ports.api}`);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
    const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(files.status).toBe(0);
    for (const file of files.stdout.split('\0').filter(Boolean)) {
      const from = path.join(PROJECT_ROOT, file);
      if (!fs.existsSync(from)) continue; // deleted in the working tree
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.copyFileSync(from, path.join(dir, file));
    }
    fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    ports = { api: await freePort(), aws: await freePort(), dynamodb: await freePort() };
  });

  afterAll(async () => {
    await stopCloud();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function stopCloud() {
    const running = cloud;
    cloud = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    process.kill(-(running.pid as number), 'SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    if (running.exitCode === null) process.kill(-(running.pid as number), 'SIGKILL');
  }

  async function startCloud(command: string) {
    await stopCloud();
    const child = spawn('bash', ['-c', command], { cwd: dir, env: env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    cloud = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`\`${command}\` was not ready in 240 s:\n${output}`)), 240_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (/local cloud: ready in/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', read);
      child.stderr?.on('data', read);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`\`${command}\` exited with ${code} before it was ready:\n${output}`));
      });
    });
    expect(output).toMatch(new RegExp(`API\\s+http://localhost:${ports.api}`));
    // where the time went (synthesis, bundling, services, demo data), for whoever reads the CI log
    console.log(
      `${command}: ${output
        .split('\n')
        .filter((line) => /^local cloud: (synthesized|bundled|ready)/.test(line))
        .join(' · ')}`,
    );
  }

  /** Runs one command in bash in the copy (asynchronously: the test worker must keep answering). */
  async function run(command: string, timeoutMs: number): Promise<Outcome> {
    const assignment = /^([A-Z_][A-Z0-9_]*)=\$\((.*)\)$/.exec(command);
    const script = `set -o pipefail\ncurl() { command curl --fail-with-body -sS "$@"; }\n${assignment ? assignment[2] : command}`;
    const child = spawn('bash', ['-c', script], { cwd: dir, env: env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), timeoutMs);
    const code = await new Promise<number | null>((resolve) => child.once('close', (status) => resolve(status)));
    clearTimeout(timer);
    const outcome = { code, stdout, stderr };
    if (assignment && code === 0) variables[assignment[1] as string] = stdout.trim();
    return outcome;
  }

  for (const command of commands) {
    const plan = PLANS[command];
    if (!plan || plan.kind === 'cannot') continue;
    const title = plan.runAs ? `${command}  (run as: ${plan.runAs} — ${plan.why})` : command;
    it(title, { timeout: plan.kind === 'run' ? (plan.timeoutMs ?? 120_000) + 5_000 : 250_000 }, async () => {
      const actual = localize(plan.runAs ?? command);
      if (plan.kind === 'start') return startCloud(actual);
      const outcome = await run(actual, plan.timeoutMs ?? 120_000);
      expect(outcome.code, `\`${actual}\` exited with ${outcome.code}\n--- stdout\n${outcome.stdout.slice(-4000)}\n--- stderr\n${outcome.stderr.slice(-4000)}`).toBe(0);
      plan.check?.(outcome, dir);
    });
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
