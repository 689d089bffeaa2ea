/**
 * `npm run restore-drill` — practises the restore (OPS-2): exports every table of a running local
 * cloud (or any DynamoDB endpoint) to JSON lines, restores the export into a fresh, empty DynamoDB
 * Local, and checks the restore:
 *
 * - item counts per table: restored = exported;
 * - the payments ledger balances: every movement is well-formed and balanced (Σ debits = Σ
 *   credits, functions/payments/domain/ledger.ts), the whole ledger's trial balance is zero, and the
 *   balance of every account after the restore equals the exported one.
 *
 *   npm run restore-drill                                   the local cloud of `npm start`
 *   npm run restore-drill -- --endpoint http://localhost:8000 [--export-dir <dir>]
 *
 * Exit code 0 when every check passes, 1 otherwise. On AWS the same drill is a point-in-time
 * restore into new tables (docs/operations.md); this script's checks apply to them too
 * (`--endpoint` of DynamoDB in the region, `--target-endpoint` where the restored tables are).
 *
 * The export holds what the tables hold: personal data only in its encrypted form (SEC-2). It is
 * written under `.data/` (never committed) unless --export-dir says where.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ScanCommand,
  type AttributeValue,
  type CreateTableCommandInput,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand as DocScanCommand } from '@aws-sdk/lib-dynamodb';
import { checkMovement, type LedgerMovement } from '../functions/payments/domain/ledger.ts';
import { retry } from '../shared/retry.ts';

type Item = Record<string, AttributeValue>;

export interface LedgerCheck {
  table: string;
  movements: number;
  /** Movements that are not well-formed or not balanced, with the problems. */
  unbalanced: Array<{ orderId: string; movementId: string; problems: string[] }>;
  /** Σ debits − Σ credits over every posting (0 when the books balance). */
  trialBalance: number;
  /** Per account: debits − credits. */
  accounts: Record<string, number>;
}

export interface RestoreDrillResult {
  exportDir: string;
  tables: Array<{ table: string; exported: number; restored: number; ok: boolean }>;
  ledger: { source: LedgerCheck[]; restored: LedgerCheck[]; ok: boolean; problems: string[] };
  ok: boolean;
  milliseconds: number;
}

const client = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: process.env.AWS_ACCESS_KEY_ID ? undefined : { accessKeyId: 'local', secretAccessKey: 'local' },
  });

async function listTables(ddb: DynamoDBClient): Promise<string[]> {
  const names: string[] = [];
  let ExclusiveStartTableName: string | undefined;
  do {
    const page = await ddb.send(new ListTablesCommand({ ExclusiveStartTableName }));
    names.push(...(page.TableNames ?? []));
    ExclusiveStartTableName = page.LastEvaluatedTableName;
  } while (ExclusiveStartTableName);
  return names.sort();
}

async function* scanAll(ddb: DynamoDBClient, TableName: string): AsyncGenerator<Item[]> {
  let ExclusiveStartKey: Item | undefined;
  do {
    const page = await ddb.send(new ScanCommand({ TableName, ExclusiveStartKey, ConsistentRead: true }));
    yield page.Items ?? [];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/** The CreateTable input that recreates a described table (keys, indexes; on-demand billing). */
export function recreateInput(t: TableDescription): CreateTableCommandInput {
  const projection = (p: { ProjectionType?: string; NonKeyAttributes?: string[] } | undefined) => ({
    ProjectionType: (p?.ProjectionType ?? 'ALL') as 'ALL' | 'KEYS_ONLY' | 'INCLUDE',
    ...(p?.NonKeyAttributes?.length ? { NonKeyAttributes: p.NonKeyAttributes } : {}),
  });
  return {
    TableName: t.TableName,
    KeySchema: t.KeySchema,
    AttributeDefinitions: t.AttributeDefinitions,
    BillingMode: 'PAY_PER_REQUEST',
    ...(t.GlobalSecondaryIndexes?.length
      ? { GlobalSecondaryIndexes: t.GlobalSecondaryIndexes.map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: projection(g.Projection) })) }
      : {}),
    ...(t.LocalSecondaryIndexes?.length
      ? { LocalSecondaryIndexes: t.LocalSecondaryIndexes.map((l) => ({ IndexName: l.IndexName, KeySchema: l.KeySchema, Projection: projection(l.Projection) })) }
      : {}),
  };
}

/** Exports every table: `<dir>/<table>.schema.json` and `<dir>/<table>.jsonl` (one item per line, DynamoDB JSON). */
export async function exportTables(ddb: DynamoDBClient, dir: string): Promise<Record<string, number>> {
  fs.mkdirSync(dir, { recursive: true });
  const counts: Record<string, number> = {};
  // SEC-3: the customer keyring is never backed up or restored (a restored key would bring an erased
  // customer's data back), so the drill does not copy it either.
  for (const table of (await listTables(ddb)).filter((name) => !/CustomerKeyTable/.test(name))) {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: table }));
    fs.writeFileSync(path.join(dir, `${table}.schema.json`), JSON.stringify(recreateInput(Table as TableDescription), null, 2));
    const out = fs.createWriteStream(path.join(dir, `${table}.jsonl`));
    let n = 0;
    for await (const items of scanAll(ddb, table)) {
      for (const item of items) out.write(`${JSON.stringify(item)}\n`);
      n += items.length;
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    counts[table] = n;
  }
  return counts;
}

async function writeBatch(ddb: DynamoDBClient, table: string, items: Item[]): Promise<void> {
  let pending = items.map((Item) => ({ PutRequest: { Item } }));
  await retry(
    async () => {
      const { UnprocessedItems } = await ddb.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = (UnprocessedItems?.[table] ?? []) as typeof pending;
      if (pending.length) throw new ItemsLeftUnprocessed();
    },
    {
      attempts: 9,
      retryable: (error) => error instanceof ItemsLeftUnprocessed,
      backoff: { baseMs: 50, maxMs: 12_800, jitter: false },
      exhausted: () => new Error(`${table}: ${pending.length} item(s) still unprocessed after retries`),
    },
  );
}

/** Some items of a BatchWriteItem call came back unprocessed. */
class ItemsLeftUnprocessed extends Error {}

/** Restores an export into `ddb` (tables must not exist there); returns the items written per table. */
export async function restoreTables(ddb: DynamoDBClient, dir: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const schemaFile of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()) {
    const input = JSON.parse(fs.readFileSync(path.join(dir, schemaFile), 'utf8')) as CreateTableCommandInput;
    const table = input.TableName as string;
    await ddb.send(new CreateTableCommand(input));
    let batch: Item[] = [];
    let n = 0;
    const lines = readline.createInterface({ input: fs.createReadStream(path.join(dir, `${table}.jsonl`)), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.trim()) continue;
      batch.push(JSON.parse(line) as Item);
      if (batch.length === 25) {
        await writeBatch(ddb, table, batch);
        n += batch.length;
        batch = [];
      }
    }
    if (batch.length) await writeBatch(ddb, table, batch);
    counts[table] = n + batch.length;
  }
  return counts;
}

async function countItems(ddb: DynamoDBClient, TableName: string): Promise<number> {
  let n = 0;
  let ExclusiveStartKey: Item | undefined;
  do {
    const page = await ddb.send(new ScanCommand({ TableName, Select: 'COUNT', ExclusiveStartKey, ConsistentRead: true }));
    n += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return n;
}

/** A DynamoDB JSON attribute value as plain JavaScript (numbers as numbers: ledger amounts are safe integers). */
function plain(av: AttributeValue): unknown {
  if (av.S !== undefined) return av.S;
  if (av.N !== undefined) return Number(av.N);
  if (av.BOOL !== undefined) return av.BOOL;
  if (av.NULL !== undefined) return null;
  if (av.M !== undefined) return Object.fromEntries(Object.entries(av.M).map(([k, v]) => [k, plain(v)]));
  if (av.L !== undefined) return av.L.map(plain);
  if (av.SS !== undefined) return av.SS;
  if (av.NS !== undefined) return av.NS.map(Number);
  return undefined;
}

/** Checks one table's ledger movements (items `itemType = ledger`); undefined when it holds none. */
export function checkLedger(table: string, movements: Array<Partial<LedgerMovement>>): LedgerCheck | undefined {
  if (movements.length === 0) return undefined;
  const accounts: Record<string, number> = {};
  const unbalanced: LedgerCheck['unbalanced'] = [];
  let trialBalance = 0;
  for (const m of movements) {
    const postings = Array.isArray(m.postings) ? m.postings : [];
    const problems = checkMovement({ postings, amount: m.amount as number });
    if (problems.length) unbalanced.push({ orderId: String(m.orderId), movementId: String(m.movementId), problems });
    for (const p of postings) {
      const signed = p.side === 'debit' ? Number(p.amount) : -Number(p.amount);
      accounts[p.account] = (accounts[p.account] ?? 0) + signed;
      trialBalance += signed;
    }
  }
  return { table, movements: movements.length, unbalanced, trialBalance, accounts };
}

/** The ledger checks of an export, read from its files. */
export async function checkLedgersOfExport(dir: string, tables: string[]): Promise<LedgerCheck[]> {
  const checks: LedgerCheck[] = [];
  for (const table of tables) {
    const movements: Array<Partial<LedgerMovement>> = [];
    const lines = readline.createInterface({ input: fs.createReadStream(path.join(dir, `${table}.jsonl`)), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.includes('"ledger"')) continue;
      const item = plain({ M: JSON.parse(line) as Item }) as Record<string, unknown>;
      if (item.itemType === 'ledger') movements.push(item as Partial<LedgerMovement>);
    }
    const check = checkLedger(table, movements);
    if (check) checks.push(check);
  }
  return checks;
}

/** The ledger checks of the tables of a DynamoDB endpoint (read back after the restore). */
export async function checkLedgers(ddb: DynamoDBClient, tables: string[]): Promise<LedgerCheck[]> {
  const doc = DynamoDBDocumentClient.from(ddb);
  const checks: LedgerCheck[] = [];
  for (const table of tables) {
    const movements: LedgerMovement[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new DocScanCommand({ TableName: table, FilterExpression: 'itemType = :t', ExpressionAttributeValues: { ':t': 'ledger' }, ExclusiveStartKey, ConsistentRead: true }),
      );
      movements.push(...((page.Items ?? []) as LedgerMovement[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const check = checkLedger(table, movements);
    if (check) checks.push(check);
  }
  return checks;
}

export interface RestoreDrillOptions {
  /** DynamoDB endpoint to export from. */
  sourceEndpoint: string;
  /** Where to restore; a fresh in-memory DynamoDB Local is started (and stopped) when omitted. */
  targetEndpoint?: string;
  exportDir: string;
}

export async function runRestoreDrill(options: RestoreDrillOptions): Promise<RestoreDrillResult> {
  const started = Date.now();
  const source = client(options.sourceEndpoint);
  let stopTarget: (() => Promise<void>) | undefined;
  let targetEndpoint = options.targetEndpoint;
  if (!targetEndpoint) {
    const { startDynamoDbLocal } = await import('../infra/local/dynamodb-local.ts');
    const fresh = await startDynamoDbLocal();
    targetEndpoint = fresh.endpoint;
    stopTarget = () => fresh.stop();
  }
  const target = client(targetEndpoint);
  try {
    const exported = await exportTables(source, options.exportDir);
    const sourceLedger = await checkLedgersOfExport(options.exportDir, Object.keys(exported));
    await restoreTables(target, options.exportDir);
    const tables = [];
    for (const [table, n] of Object.entries(exported)) {
      const restored = await countItems(target, table);
      tables.push({ table, exported: n, restored, ok: restored === n });
    }
    const restoredLedger = await checkLedgers(target, Object.keys(exported));
    const problems: string[] = [];
    if (restoredLedger.length === 0 && sourceLedger.length > 0) problems.push('no ledger movement was restored');
    for (const check of restoredLedger) {
      for (const u of check.unbalanced) problems.push(`${check.table}: movement ${u.movementId} of order ${u.orderId}: ${u.problems.join('; ')}`);
      if (check.trialBalance !== 0) problems.push(`${check.table}: trial balance ${check.trialBalance} ≠ 0 (Σ debits ≠ Σ credits)`);
      const before = sourceLedger.find((c) => c.table === check.table);
      if (before?.movements !== check.movements) problems.push(`${check.table}: ${check.movements} movements restored, ${before?.movements ?? 0} exported`);
      for (const account of new Set([...Object.keys(check.accounts), ...Object.keys(before?.accounts ?? {})])) {
        if ((check.accounts[account] ?? 0) !== (before?.accounts[account] ?? 0))
          problems.push(`${check.table}: account ${account} is ${check.accounts[account] ?? 0} after the restore, ${before?.accounts[account] ?? 0} in the export`);
      }
    }
    return {
      exportDir: options.exportDir,
      tables,
      ledger: { source: sourceLedger, restored: restoredLedger, ok: problems.length === 0, problems },
      ok: problems.length === 0 && tables.every((t) => t.ok),
      milliseconds: Date.now() - started,
    };
  } finally {
    source.destroy();
    target.destroy();
    await stopTarget?.();
  }
}

/** The drill's result as text. */
export function formatRestoreDrill(r: RestoreDrillResult): string {
  const lines = [
    `Restore drill: ${r.ok ? 'PASSED' : 'FAILED'} in ${(r.milliseconds / 1000).toFixed(1)} s (export in ${r.exportDir})`,
    '',
    `  ${'table'.padEnd(60)} ${'exported'.padStart(9)} ${'restored'.padStart(9)}`,
  ];
  for (const t of r.tables) lines.push(`  ${t.table.padEnd(60)} ${String(t.exported).padStart(9)} ${String(t.restored).padStart(9)}  ${t.ok ? 'ok' : 'MISMATCH'}`);
  lines.push('');
  for (const check of r.ledger.restored) {
    const accounts = Object.entries(check.accounts)
      .map(([a, v]) => `${a} ${v}`)
      .join(', ');
    lines.push(
      `  ledger in ${check.table}: ${check.movements} movements, ${check.unbalanced.length} unbalanced, trial balance ${check.trialBalance} (account balances in fen: ${accounts || 'none'})`,
    );
  }
  if (r.ledger.restored.length === 0) lines.push('  ledger: no ledger movements in the export');
  for (const p of r.ledger.problems) lines.push(`  PROBLEM ${p}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({ options: { endpoint: { type: 'string' }, 'target-endpoint': { type: 'string' }, 'export-dir': { type: 'string' }, json: { type: 'boolean' } } });
  const root = path.resolve(import.meta.dirname, '..');
  let sourceEndpoint = values.endpoint;
  if (!sourceEndpoint) {
    const file = path.join(root, '.data', 'endpoints.json');
    if (!fs.existsSync(file)) {
      console.error('No --endpoint and the local cloud is not running (start it with `npm start`).');
      process.exit(2);
    }
    sourceEndpoint = (JSON.parse(fs.readFileSync(file, 'utf8')) as { dynamodb: string }).dynamodb;
  }
  const exportDir = path.resolve(values['export-dir'] ?? path.join(root, '.data', 'restore-drill', new Date().toISOString().replace(/[:.]/g, '-')));
  const result = await runRestoreDrill({ sourceEndpoint, targetEndpoint: values['target-endpoint'], exportDir }).finally(() => {
    // The export is a copy of every table's (encrypted) personal data: kept only where asked for (--export-dir).
    if (!values['export-dir']) fs.rmSync(exportDir, { recursive: true, force: true });
  });
  console.log(values.json ? JSON.stringify(result, null, 2) : formatRestoreDrill(result));
  process.exit(result.ok ? 0 : 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main().catch((error: unknown) => {
    console.error(`restore drill: ${(error as Error).message}`);
    process.exit(1);
  });
}
