/**
 * What the DynamoDB calls of a benchmark were for: calls per order by operation, table and the
 * kind of item (the partition key's prefix, e.g. `ORDER`, `STOCK`), from the requests the local
 * cloud's counting proxy recorded. Only prefixes of keys are printed (ids, never values), so the
 * output carries no personal data.
 */
import type { RecordedRequest, RecordedWrite } from '../../infra/local/dynamodb-counter.ts';
import { accessKeyOf } from '../../infra/local/iam.ts';

type Attr = Record<string, unknown>;

/** A table's short name: the CDK construct part (`…OrdersTable…` → `Orders`), else the name. */
export function shortTable(name: string): string {
  const m = /([A-Z][A-Za-z0-9]*?)Table/.exec(name);
  return m ? (m[1] as string) : name;
}

/** The item kind of a key: the partition key value's prefix before `#` (`ORDER#01H…` → `ORDER`), or `-`. */
export function keyKind(key: unknown): string {
  if (!key || typeof key !== 'object') return '-';
  for (const name of ['pk', 'PK', 'id']) {
    const value = (key as Record<string, Attr | undefined>)[name];
    const s = value && typeof value === 'object' ? (value as { S?: unknown }).S : undefined;
    if (typeof s === 'string') return s.includes('#') ? (s.split('#')[0] as string) : name === 'id' ? 'id' : '(no prefix)';
  }
  return '-';
}

/** One line per (operation, table, item kind) a request touched; a transaction counts once per item. */
export function touches(request: RecordedRequest): Array<{ operation: string; table: string; kind: string }> {
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return [{ operation: request.operation, table: '?', kind: '-' }];
  }
  const op = request.operation;
  if (op === 'TransactWriteItems' || op === 'TransactGetItems') {
    return ((input.TransactItems as Array<Record<string, Attr>>) ?? []).map((item) => {
      const [action, body] = Object.entries(item)[0] ?? ['?', {}];
      return { operation: `${op}.${action}`, table: shortTable(String(body.TableName ?? '?')), kind: keyKind(body.Key ?? body.Item) };
    });
  }
  if (op === 'BatchGetItem' || op === 'BatchWriteItem') {
    return Object.keys((input.RequestItems as Record<string, unknown>) ?? {}).map((table) => ({ operation: op, table: shortTable(table), kind: '-' }));
  }
  const key = input.Key ?? input.Item ?? (op === 'Query' ? queryKey(input) : undefined);
  return [{ operation: op, table: shortTable(String(input.TableName ?? '?')) + (input.IndexName ? `/${String(input.IndexName)}` : ''), kind: keyKind(key) }];
}

/** A Query's partition key value, as a key-shaped object: the value the key condition's first `name = :value` compares with. */
function queryKey(input: Record<string, unknown>): Attr | undefined {
  const values = (input.ExpressionAttributeValues as Record<string, Attr> | undefined) ?? {};
  const placeholder = /=\s*(:[A-Za-z0-9_]+)/.exec(String(input.KeyConditionExpression ?? ''))?.[1];
  const value = placeholder ? values[placeholder] : undefined;
  return value ? { pk: value } : undefined;
}

/** Lines "calls/order  operation  table  kind", most frequent first, those below `min` per order left out. */
export function breakdown(requests: readonly RecordedRequest[], orders: number, min = 0.05): string[] {
  const counts = new Map<string, number>();
  for (const request of requests) {
    const seen = touches(request);
    // a request is one call; a transaction's items are listed under it
    const label = request.operation.startsWith('Transact') ? seen.map((t) => `${t.operation} ${t.table} ${t.kind}`) : [`${seen[0]?.operation} ${seen[0]?.table} ${seen[0]?.kind}`];
    for (const l of label) counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  return [...counts]
    .map(([label, count]) => [label, count / Math.max(1, orders)] as const)
    .filter(([, perOrder]) => perOrder >= min)
    .sort((a, b) => b[1] - a[1])
    .map(([label, perOrder]) => `${perOrder.toFixed(2).padStart(6)}  ${label}`);
}

/** Lines "write units/order  operation  table  kind", largest first, those below `min` per order left out. */
export function writeUnitsBreakdown(writes: readonly RecordedWrite[], orders: number, min = 0.5): string[] {
  const units = new Map<string, number>();
  for (const write of writes) {
    const line = `${write.operation} ${shortTable(write.table)} ${keyKind(write.key)}`;
    units.set(line, (units.get(line) ?? 0) + write.units);
  }
  return [...units.entries()]
    .map(([line, total]) => [line, total / Math.max(1, orders)] as const)
    .filter(([, perOrder]) => perOrder >= min)
    .sort((a, b) => b[1] - a[1])
    .map(([line, perOrder]) => `${perOrder.toFixed(2).padStart(7)}  ${line}`);
}

/**
 * Lines "calls/order  write units/order  caller", most calls first: who made the calls. `callerOf`
 * names the access key a request was signed with (in the local cloud, a function's role); requests
 * it cannot name are summed under its answer for undefined.
 */
export function callerBreakdown(
  requests: readonly RecordedRequest[],
  writes: readonly RecordedWrite[],
  orders: number,
  callerOf: (accessKey: string | undefined) => string,
): string[] {
  const totals = new Map<string, { calls: number; units: number }>();
  const of = (caller: string) => {
    let entry = totals.get(caller);
    if (!entry) totals.set(caller, (entry = { calls: 0, units: 0 }));
    return entry;
  };
  for (const request of requests) of(callerOf(accessKeyOf(request.headers.authorization ?? ''))).calls += 1;
  for (const write of writes) of(callerOf(write.accessKey)).units += write.units;
  const n = Math.max(1, orders);
  return [...totals]
    .sort((a, b) => b[1].calls - a[1].calls || b[1].units - a[1].units)
    .map(([caller, { calls, units }]) => `${(calls / n).toFixed(2).padStart(6)} calls ${(units / n).toFixed(1).padStart(6)} WRU  ${caller}`);
}
