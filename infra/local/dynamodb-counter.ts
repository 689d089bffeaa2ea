/**
 * A pass-through HTTP proxy in front of DynamoDB Local that counts calls per operation
 * (`X-Amz-Target: DynamoDB_20120810.<Operation>`), so benchmarks can report DynamoDB calls per
 * order. Functions and SDK clients use the proxy's URL; it adds well under a millisecond.
 *
 * With `meterCapacity`, it also asks DynamoDB Local for the capacity each request consumes
 * (`ReturnConsumedCapacity: INDEXES` added to requests that did not ask for it; tables and their
 * GSIs) and adds it up as read and write request units — what on-demand billing charges. The
 * response reaches the caller byte for byte (a `ConsumedCapacity` the caller did not ask for is
 * ignored by the SDK). A write refused by its condition consumes capacity on DynamoDB too but its
 * error carries none: such refusals are counted (`refusedWrites`) and priced by the cost model.
 * DynamoDB Local reports two units per table for a whole `TransactWriteItems`, whatever its items:
 * the proxy prices a transaction itself instead, from the items' sizes (see ./dynamodb-item-size.ts),
 * reading each updated item back once the transaction committed; {@link DynamoDbCallCounter.meteringSettled}
 * waits for those reads.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isObject } from './event-pattern.ts';
import { accessKeyOf } from './iam.ts';
import { indexCopies, itemSize, keyIdentity, transactionWriteUnits, type IndexShape, type TransactionItemWrite, type WireItem } from './dynamodb-item-size.ts';

/** Operations that accept `ReturnConsumedCapacity`, and whether they read or write. */
const CAPACITY_OPERATIONS: Readonly<Record<string, 'read' | 'write'>> = {
  GetItem: 'read',
  Query: 'read',
  Scan: 'read',
  BatchGetItem: 'read',
  TransactGetItems: 'read',
  PutItem: 'write',
  UpdateItem: 'write',
  DeleteItem: 'write',
  BatchWriteItem: 'write',
  TransactWriteItems: 'write',
};

/** Consumed capacity summed over a run. */
export interface ConsumedCapacityTotals {
  /** Read request units (tables and GSIs). */
  readUnits: number;
  /** Write request units (tables and GSIs). */
  writeUnits: number;
  /** Writes and transactions refused (condition failed, transaction cancelled): they consume capacity but report none. */
  refusedWrites: number;
  /** Transactions refused, of `refusedWrites`. */
  refusedTransactions: number;
  /** Committed transactions whose items could not be read back to price them (not in `writeUnits`). */
  unmeteredTransactions: number;
}

/** A data request as the proxy received it (metered operations only), for replaying the mix. */
export interface RecordedRequest {
  readonly operation: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** The write units one write (or one item of a transaction) consumed, kept while recording. */
export interface RecordedWrite {
  readonly operation: string;
  readonly table: string;
  /** The item's key (or the whole item of a put), in DynamoDB's wire format. */
  readonly key?: Readonly<Record<string, unknown>>;
  readonly units: number;
  /** The access key the request was signed with (in the local cloud, the calling function's role: infra/local/iam.ts). */
  readonly accessKey?: string;
}

interface CapacityEntry {
  TableName?: string;
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/** What one item of a `TransactWriteItems` names. */
interface TransactionItemBody {
  readonly TableName: string;
  readonly Item?: WireItem;
  readonly Key?: WireItem;
}

/** A request body read before forwarding, with its JSON when it is an object. */
interface ReadRequest {
  readonly body: Buffer;
  readonly input?: Record<string, unknown>;
}

/** Calls `then` with a request's whole body once it has arrived. */
function readBody(req: http.IncomingMessage, then: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => then(Buffer.concat(chunks)));
}

/** Answers as DynamoDB would when the proxy cannot reach DynamoDB Local. */
function answerUnreachable(res: http.ServerResponse): void {
  if (!res.headersSent) res.writeHead(503, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable', message: 'DynamoDB Local is not reachable' }));
}

/** Whether a transaction item is read back after the commit to be priced (its size is not in the request). */
const readsBack = (action: string, body: TransactionItemBody | undefined): body is TransactionItemBody & { Key: WireItem } =>
  body?.Key !== undefined && (action === 'Update' || action === 'ConditionCheck');

/** See {@link DynamoDbCallCounter.authorizeWith}. */
export type Authorizer = (authorization: string, operation: string, input: Record<string, unknown>) => { status: number; body: string } | undefined;

export class DynamoDbCallCounter {
  private server?: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly counts = new Map<string, number>();
  /** Per operation: the milliseconds DynamoDB Local took to answer metered requests, and how many there were. */
  private readonly roundTrips = { ms: new Map<string, number>(), requests: new Map<string, number>() };
  private readonly capacity: ConsumedCapacityTotals = { readUnits: 0, writeUnits: 0, refusedWrites: 0, refusedTransactions: 0, unmeteredTransactions: 0 };
  /** Read and write units per table (its indexes included), as in {@link capacity}. */
  private readonly capacityByTable = new Map<string, { readUnits: number; writeUnits: number }>();
  private recorded?: RecordedRequest[];
  private writes?: RecordedWrite[];
  private readonly pendingMetering = new Set<Promise<void>>();
  private readonly shapesByTable = new Map<string, Promise<{ keys: string[]; indexes: IndexShape[] }>>();
  url = '';

  /** Decides whether a request may be made (the local cloud's IAM check, infra/local/iam.ts); set by {@link authorizeWith}. */
  private authorizer?: Authorizer;

  constructor(
    private readonly target: string,
    private readonly options: { meterCapacity?: boolean } = {},
  ) {}

  /**
   * Checks every request before it is counted or forwarded: `authorize` gets its `Authorization`
   * header, operation and parsed body, and returns the answer refusing it (DynamoDB's
   * AccessDeniedException), or undefined to let it through. A refused request reaches neither the
   * counts nor DynamoDB Local, as AWS bills nothing for it.
   */
  authorizeWith(authorize: Authorizer): void {
    this.authorizer = authorize;
  }

  private record(op: string, status: number, body: Buffer, request?: { input: Record<string, unknown>; headers: Record<string, string> }): void {
    const kind = CAPACITY_OPERATIONS[op];
    if (!kind) return;
    const accessKey = request && accessKeyOf(request.headers.authorization ?? '');
    let parsed: { ConsumedCapacity?: CapacityEntry | CapacityEntry[]; __type?: string };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      return;
    }
    if (status >= 400) {
      if (kind === 'write' && /ConditionalCheckFailed|TransactionCanceled/.test(String(parsed.__type))) {
        this.capacity.refusedWrites++;
        if (op === 'TransactWriteItems') this.capacity.refusedTransactions++;
      }
      return;
    }
    if (op === 'TransactWriteItems' && request) {
      const metering = this.meterTransaction(request.input, request.headers)
        .then((writes) => {
          for (const write of writes) {
            this.capacity.writeUnits += write.units;
            this.tableCapacity(write.table).writeUnits += write.units;
            this.writes?.push({
              operation: `TransactWriteItems.${write.action}`,
              table: write.table,
              key: write.key,
              units: write.units,
              accessKey,
            });
          }
        })
        .catch(() => {
          this.capacity.unmeteredTransactions++;
        })
        .finally(() => this.pendingMetering.delete(metering));
      this.pendingMetering.add(metering);
      return;
    }
    const entries = parsed.ConsumedCapacity === undefined ? [] : Array.isArray(parsed.ConsumedCapacity) ? parsed.ConsumedCapacity : [parsed.ConsumedCapacity];
    let units = 0;
    for (const e of entries) {
      const consumed = kind === 'read' ? (e.ReadCapacityUnits ?? e.CapacityUnits ?? 0) : (e.WriteCapacityUnits ?? e.CapacityUnits ?? 0);
      units += consumed;
      const table = this.tableCapacity(e.TableName ?? '?');
      if (kind === 'read') {
        this.capacity.readUnits += consumed;
        table.readUnits += consumed;
      } else {
        this.capacity.writeUnits += consumed;
        table.writeUnits += consumed;
      }
    }
    if (kind === 'write' && request) {
      const key = (request.input.Key ?? request.input.Item) as WireItem | undefined;
      this.writes?.push({
        operation: op,
        table: String(request.input.TableName ?? Object.keys((request.input.RequestItems as object | undefined) ?? {})[0] ?? '?'),
        key,
        units,
        accessKey,
      });
    }
  }

  /**
   * The write units of a committed transaction: its items' sizes and the indexes they are in. The
   * items it updated or checked are read back after the commit, in one BatchGetItem (a GetItem per
   * item cost as many round trips to DynamoDB Local as the transaction had such items).
   */
  private async meterTransaction(
    input: Record<string, unknown>,
    headers: Record<string, string>,
  ): Promise<Array<{ action: string; table: string; key?: WireItem; units: number }>> {
    const entries = ((input.TransactItems ?? []) as Array<Record<string, TransactionItemBody>>).map((entry) => {
      const [action = '?', body] = Object.entries(entry)[0] ?? [];
      return { action, body };
    });
    const readBack = await this.readBack(
      entries.flatMap(({ action, body }) => (readsBack(action, body) ? [{ table: body.TableName, key: body.Key }] : [])),
      headers,
    );
    return Promise.all(
      entries.map(async ({ action, body }) => {
        const item = action === 'Put' ? body?.Item : readsBack(action, body) ? readBack.get(body.TableName)?.get(await this.keyOf(body.TableName, body.Key, headers)) : undefined;
        const write = await this.itemWrite(action, body?.TableName, item, headers);
        return { action, table: body?.TableName ?? '?', key: body?.Key ?? body?.Item, units: transactionWriteUnits([write]) };
      }),
    );
  }

  /** The items at `keys` now (strongly consistent), per table and {@link keyOf}; an item not there is absent. */
  private async readBack(keys: ReadonlyArray<{ table: string; key: WireItem }>, headers: Record<string, string>): Promise<Map<string, Map<string, WireItem>>> {
    const found = new Map<string, Map<string, WireItem>>();
    let requested: Record<string, { Keys: WireItem[]; ConsistentRead: true }> = {};
    for (const { table, key } of keys) (requested[table] ??= { Keys: [], ConsistentRead: true }).Keys.push(key);
    // A transaction has at most 100 items, BatchGetItem takes 100 keys; keys left unprocessed are asked again.
    for (let attempt = 0; Object.keys(requested).length > 0; attempt++) {
      if (attempt === 5) throw new Error('BatchGetItem left keys unprocessed');
      const answer = await this.upstreamCall<{ Responses?: Record<string, WireItem[]>; UnprocessedKeys?: typeof requested }>('BatchGetItem', { RequestItems: requested }, headers);
      for (const [table, items] of Object.entries(answer.Responses ?? {})) {
        let byKey = found.get(table);
        if (!byKey) found.set(table, (byKey = new Map()));
        for (const item of items) byKey.set(await this.keyOf(table, item, headers), item);
      }
      requested = answer.UnprocessedKeys ?? {};
    }
    return found;
  }

  /** An item's (or a key's) identity in its table ({@link keyIdentity}: DynamoDB returns a number key in its own spelling). */
  private async keyOf(table: string, item: WireItem, headers: Record<string, string>): Promise<string> {
    return keyIdentity((await this.tableShape(table, headers)).keys, item);
  }

  /** The size and indexes of one item a committed transaction wrote (`item`: as it is now; a deletion: its minimum). */
  private async itemWrite(action: string, table: string | undefined, item: WireItem | undefined, headers: Record<string, string>): Promise<TransactionItemWrite> {
    if (!table || !item || action === 'Delete') return { size: 0, indexCopies: [] };
    if (action === 'ConditionCheck') return { size: itemSize(item), indexCopies: [] };
    const shape = await this.tableShape(table, headers);
    return { size: itemSize(item), indexCopies: indexCopies(item, shape.keys, shape.indexes) };
  }

  /** A table's key attribute names and its global secondary indexes as they copy items (asked once per table). */
  private tableShape(tableName: string, headers: Record<string, string>): Promise<{ keys: string[]; indexes: IndexShape[] }> {
    let shape = this.shapesByTable.get(tableName);
    if (!shape) {
      type Described = {
        Table?: {
          KeySchema?: Array<{ AttributeName: string }>;
          GlobalSecondaryIndexes?: Array<{ KeySchema?: Array<{ AttributeName: string }>; Projection?: { ProjectionType?: IndexShape['projection']; NonKeyAttributes?: string[] } }>;
        };
      };
      shape = this.upstreamCall<Described>('DescribeTable', { TableName: tableName }, headers).then((r) => ({
        keys: (r.Table?.KeySchema ?? []).map((k) => k.AttributeName),
        indexes: (r.Table?.GlobalSecondaryIndexes ?? []).map((index) => ({
          keys: (index.KeySchema ?? []).map((k) => k.AttributeName),
          projection: index.Projection?.ProjectionType ?? 'ALL',
          ...(index.Projection?.NonKeyAttributes ? { include: index.Projection.NonKeyAttributes } : {}),
        })),
      }));
      this.shapesByTable.set(tableName, shape);
      shape.catch(() => this.shapesByTable.delete(tableName));
    }
    return shape;
  }

  /** A request straight to DynamoDB Local (not counted), signed as the request being metered was. */
  private upstreamCall<T>(operation: string, input: unknown, headers: Record<string, string>): Promise<T> {
    const target = new URL(this.target);
    const body = Buffer.from(JSON.stringify(input));
    return new Promise<T>((resolve, reject) => {
      const request = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path: '/',
          agent: this.agent,
          headers: { ...headers, 'x-amz-target': `DynamoDB_20120810.${operation}`, 'content-type': 'application/x-amz-json-1.0', 'content-length': String(body.length) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            if ((response.statusCode ?? 500) >= 400) return reject(new Error(`${operation}: ${response.statusCode}`));
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
            } catch (error) {
              reject(error as Error);
            }
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  /** Waits until every committed transaction has been priced (their items are read back after the response). */
  async meteringSettled(): Promise<void> {
    while (this.pendingMetering.size > 0) await Promise.allSettled([...this.pendingMetering]);
  }

  /** Consumed capacity since start (or since the last reset); zero unless `meterCapacity`. */
  consumedCapacity(): ConsumedCapacityTotals {
    return { ...this.capacity };
  }

  /** The read and write units consumed per table (its indexes included; transactions priced as in {@link consumedCapacity}). */
  consumedCapacityByTable(): Record<string, { readUnits: number; writeUnits: number }> {
    return Object.fromEntries([...this.capacityByTable].map(([table, units]) => [table, { ...units }]));
  }

  private tableCapacity(table: string): { readUnits: number; writeUnits: number } {
    let units = this.capacityByTable.get(table);
    if (!units) this.capacityByTable.set(table, (units = { readUnits: 0, writeUnits: 0 }));
    return units;
  }

  async listen(port = 0): Promise<void> {
    const target = new URL(this.target);
    this.server = http.createServer((req, res) => {
      const op =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() || 'unknown';
      const authorize = this.authorizer;
      if (!authorize) {
        this.forward(op, req, res, target);
        return;
      }
      readBody(req, (body) => {
        let input: Record<string, unknown> | undefined;
        let refusal: ReturnType<Authorizer>;
        try {
          const parsed: unknown = JSON.parse(body.toString('utf8'));
          input = isObject(parsed) ? parsed : undefined;
          refusal = authorize(String(req.headers.authorization ?? ''), op, input ?? {});
        } catch {
          // not JSON, or not a request the check can read: DynamoDB Local answers it with its own error
          refusal = undefined;
        }
        if (refusal) {
          res.writeHead(refusal.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': crypto.randomUUID() });
          res.end(refusal.body);
          return;
        }
        this.forward(op, req, res, target, { body, input });
      });
    });
    this.server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Counts a request and forwards it (`read`: its body, already read, and parsed when it is a JSON object). */
  private forward(op: string, req: http.IncomingMessage, res: http.ServerResponse, target: URL, read?: ReadRequest): void {
    this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
    if (this.options.meterCapacity && CAPACITY_OPERATIONS[op]) {
      this.forwardMetered(op, req, res, target, read);
      return;
    }
    const body = read?.body;
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent: this.agent }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => answerUnreachable(res));
    if (body) upstream.end(body);
    else req.pipe(upstream);
  }

  /** Forwards a request with `ReturnConsumedCapacity` added, and records what the response reports. */
  private forwardMetered(op: string, req: http.IncomingMessage, res: http.ServerResponse, target: URL, read?: ReadRequest): void {
    const whenRead = (then: (request: ReadRequest) => void) => (read ? then(read) : readBody(req, (body) => then({ body })));
    whenRead((received) => {
      let body = received.body;
      this.recorded?.push({
        operation: op,
        headers: {
          'x-amz-target': String(req.headers['x-amz-target']),
          'content-type': String(req.headers['content-type'] ?? 'application/x-amz-json-1.0'),
          authorization: String(req.headers.authorization ?? ''),
          'x-amz-date': String(req.headers['x-amz-date'] ?? ''),
        },
        body,
      });
      let input: Record<string, unknown> | undefined = received.input;
      try {
        input ??= JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        if (input.ReturnConsumedCapacity === undefined || input.ReturnConsumedCapacity === 'NONE')
          body = Buffer.from(JSON.stringify({ ...input, ReturnConsumedCapacity: 'INDEXES' }));
      } catch {
        // not JSON: forwarded as it is; DynamoDB Local answers the error
      }
      const headers = { ...req.headers, 'content-length': String(body.length) };
      const sent = performance.now();
      const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: this.agent }, (up) => {
        const answer: Buffer[] = [];
        up.on('data', (chunk: Buffer) => answer.push(chunk));
        up.on('end', () => {
          this.roundTrips.ms.set(op, (this.roundTrips.ms.get(op) ?? 0) + (performance.now() - sent));
          this.roundTrips.requests.set(op, (this.roundTrips.requests.get(op) ?? 0) + 1);
          const bytes = Buffer.concat(answer);
          const signing = { authorization: String(req.headers.authorization ?? ''), 'x-amz-date': String(req.headers['x-amz-date'] ?? '') };
          this.record(op, up.statusCode ?? 502, bytes, input ? { input, headers: signing } : undefined);
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(bytes);
        });
      });
      upstream.on('error', () => answerUnreachable(res));
      upstream.end(body);
    });
  }

  /** With `meterCapacity`: per operation, the total ms DynamoDB Local took to answer, and the requests. */
  upstreamTimes(): { ms: Record<string, number>; requests: Record<string, number> } {
    return { ms: Object.fromEntries(this.roundTrips.ms), requests: Object.fromEntries(this.roundTrips.requests) };
  }

  /** DynamoDB Local's own endpoint (behind this proxy). */
  get upstream(): string {
    return this.target;
  }

  /** Keeps every metered request from now on (with `meterCapacity`), until {@link stopRecording}. */
  startRecording(): void {
    this.recorded = [];
    this.writes ??= [];
  }

  /** The write units of each write (and each transaction item) since the first {@link startRecording}; recording writes stops. */
  takeRecordedWrites(): RecordedWrite[] {
    const out = this.writes ?? [];
    this.writes = undefined;
    return out;
  }

  /** The requests kept since {@link startRecording}, in arrival order. */
  stopRecording(): RecordedRequest[] {
    const out = this.recorded ?? [];
    this.recorded = undefined;
    return out;
  }

  /** Calls per operation since start (or since the last reset). */
  stats(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  reset(): void {
    this.counts.clear();
    Object.assign(this.capacity, { readUnits: 0, writeUnits: 0, refusedWrites: 0, refusedTransactions: 0, unmeteredTransactions: 0 });
    this.capacityByTable.clear();
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
