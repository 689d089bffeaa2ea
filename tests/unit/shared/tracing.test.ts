/**
 * The house X-Ray tracer (shared/tracing.ts, issue 15): what reaches the daemon for an invocation
 * and its AWS SDK calls, real datagrams over UDP to a local socket standing in for the daemon.
 * SEC-2: no error message, body or header value in any document.
 */
import dgram from 'node:dgram';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDaemonAddress, parseTraceHeader, Tracer, withParent, type Subsegment } from '../../../shared/tracing.ts';

const ROOT = '1-5759e988-bd862e3fe1be46a994272793';
const PARENT = '53995c3f42cd8ad8';

let daemon: dgram.Socket;
let port = 0;
const received: string[] = [];
beforeAll(async () => {
  daemon = dgram.createSocket('udp4');
  daemon.on('message', (msg) => received.push(msg.toString('utf8')));
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  port = daemon.address().port;
});
afterAll(() => daemon.close());

/** The documents received since `from`, parsed after checking the daemon protocol's header line. */
async function documentsSince(from: number, count: number): Promise<Subsegment[]> {
  const until = Date.now() + 5_000;
  while (received.length - from < count && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  return received.slice(from).map((datagram) => {
    const [header, body] = datagram.split('\n');
    expect(JSON.parse(header as string)).toEqual({ format: 'json', version: 1 });
    return JSON.parse(body as string) as Subsegment;
  });
}

/** A DynamoDB client whose HTTP layer answers locally (status and body chosen per test). */
function dynamo(answer: { status: number; body: string; headers?: Record<string, string> }, seen: Array<Record<string, string>> = []) {
  return new DynamoDBClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { headers: Record<string, string> }) => {
        seen.push({ ...request.headers });
        const { Readable } = await import('node:stream');
        return {
          response: {
            statusCode: answer.status,
            headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'REQ-1', ...answer.headers },
            body: Readable.from([Buffer.from(answer.body)]),
          },
        };
      },
    } as never,
  });
}

const lambdaEnv = (sampled: '0' | '1') => ({
  AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${port}`,
  _X_AMZN_TRACE_ID: `Root=${ROOT};Parent=${PARENT};Sampled=${sampled}`,
  _HANDLER: 'index.handler',
});

describe('house X-Ray tracer', () => {
  it('parses the trace header and the daemon address as Lambda sets them', () => {
    expect(parseTraceHeader(`Root=${ROOT};Parent=${PARENT};Sampled=1;Lineage=a:1`)).toEqual({ root: ROOT, parent: PARENT, sampled: true });
    expect(parseTraceHeader(`Sampled=0;Parent=${PARENT};Root=${ROOT}`)).toEqual({ root: ROOT, parent: PARENT, sampled: false });
    expect(parseTraceHeader(`Root=${ROOT}`)).toBeUndefined();
    expect(parseTraceHeader('Root=nonsense;Parent=53995c3f42cd8ad8;Sampled=1')).toBeUndefined();
    expect(parseTraceHeader(undefined)).toBeUndefined();
    expect(parseDaemonAddress('169.254.79.129:2000')).toEqual({ host: '169.254.79.129', port: 2000 });
    expect(parseDaemonAddress('tcp:127.0.0.1:2000 udp:127.0.0.2:2001')).toEqual({ host: '127.0.0.2', port: 2001 });
    expect(parseDaemonAddress('localhost')).toBeUndefined();
    expect(parseDaemonAddress('h:99999')).toBeUndefined();
  });

  it('passes the trace downstream with the call as parent and keeps the header’s other fields (Lineage: Lambda’s loop detection)', () => {
    const header = `Root=${ROOT};Parent=${PARENT};Sampled=1;Lineage=a87bd80c:1`;
    expect(withParent(header, { root: ROOT, parent: PARENT, sampled: true }, 'abcdefabcdefabcd')).toBe(`Root=${ROOT};Parent=abcdefabcdefabcd;Sampled=1;Lineage=a87bd80c:1`);
  });

  it("a sampled invocation sends its handler subsegment under Lambda's segment and each SDK call under it, and passes the trace downstream", async () => {
    const tracer = new Tracer({ serviceName: 'checkout', env: lambdaEnv('1') });
    const seen: Array<Record<string, string>> = [];
    const client = tracer.captureAWSv3Client(dynamo({ status: 200, body: '{}' }, seen));
    const from = received.length;
    tracer.beginInvocation();
    await client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'CUSTOMER#王芳' } } }));
    tracer.endInvocation();
    const [call, handler] = await documentsSince(from, 2);
    expect(handler).toMatchObject({ type: 'subsegment', trace_id: ROOT, parent_id: PARENT, name: '## index.handler', annotations: { ColdStart: true, Service: 'checkout' } });
    expect(call).toMatchObject({
      type: 'subsegment',
      trace_id: ROOT,
      parent_id: handler?.id,
      name: 'DynamoDB',
      namespace: 'aws',
      aws: { operation: 'GetItem', region: 'eu-west-1', request_id: 'REQ-1', retries: 0 },
      http: { response: { status: 200 } },
    });
    expect(call?.id).toMatch(/^[0-9a-f]{16}$/);
    expect(call?.end_time).toBeGreaterThanOrEqual(call?.start_time as number);
    expect(seen[0]?.['X-Amzn-Trace-Id'] ?? seen[0]?.['x-amzn-trace-id']).toBe(`Root=${ROOT};Parent=${call?.id};Sampled=1`);
    // the key's value (a name) is nowhere in what was sent
    expect(received.slice(from).join('')).not.toContain('王芳');

    // the next invocation of the same container is warm
    const next = received.length;
    tracer.beginInvocation();
    tracer.endInvocation();
    const [warm] = await documentsSince(next, 1);
    expect(warm?.annotations).toEqual({ ColdStart: false, Service: 'checkout' });
  });

  it('a failed call is recorded by its error name and status only; a failed invocation too', async () => {
    const tracer = new Tracer({ serviceName: 'checkout', env: lambdaEnv('1') });
    const client = tracer.captureAWSv3Client(
      dynamo({ status: 400, body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'secret 13900000000' }) }),
    );
    const from = received.length;
    tracer.beginInvocation();
    await expect(client.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'x' } } }))).rejects.toThrow();
    tracer.endInvocation(new TypeError('order of 王芳 failed'));
    const [call, handler] = await documentsSince(from, 2);
    expect(call).toMatchObject({
      aws: { operation: 'PutItem' },
      http: { response: { status: 400 } },
      error: true,
      cause: { exceptions: [{ type: 'ConditionalCheckFailedException' }] },
    });
    expect(call?.fault).toBeUndefined();
    expect(handler).toMatchObject({ fault: true, cause: { exceptions: [{ type: 'TypeError' }] } });
    const sent = received.slice(from).join('');
    expect(sent).not.toContain('13900000000');
    expect(sent).not.toContain('王芳');
  });

  it('throttling is marked as such', async () => {
    const tracer = new Tracer({ serviceName: 's', env: lambdaEnv('1') });
    const client = tracer.captureAWSv3Client(dynamo({ status: 400, body: JSON.stringify({ __type: 'ProvisionedThroughputExceededException', message: 'slow down' }) }));
    const from = received.length;
    tracer.beginInvocation();
    await expect(client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'x' } } }))).rejects.toThrow();
    tracer.endInvocation();
    const [call] = await documentsSince(from, 2);
    expect(call).toMatchObject({ error: true, throttle: true });
  });

  it('sends nothing for an unsampled invocation, outside Lambda, or with POWERTOOLS_TRACE_ENABLED=false — and the calls still work', async () => {
    const from = received.length;
    for (const env of [lambdaEnv('0'), { _X_AMZN_TRACE_ID: `Root=${ROOT};Parent=${PARENT};Sampled=1` }, { ...lambdaEnv('1'), POWERTOOLS_TRACE_ENABLED: 'false' }]) {
      const tracer = new Tracer({ serviceName: 's', env });
      const seen: Array<Record<string, string>> = [];
      const client = tracer.captureAWSv3Client(dynamo({ status: 200, body: '{}' }, seen));
      tracer.beginInvocation();
      await client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'x' } } }));
      tracer.endInvocation();
      expect(seen[0]?.['X-Amzn-Trace-Id']).toBeUndefined();
    }
    // a sampled one afterwards arrives: had the others sent anything, it would have arrived first
    const tracer = new Tracer({ serviceName: 'marker', env: lambdaEnv('1') });
    tracer.beginInvocation();
    tracer.endInvocation();
    const documents = await documentsSince(from, 1);
    expect(documents.map((d) => d.annotations?.Service)).toEqual(['marker']);
  });

  it('calls outside an invocation (module initialisation) are not traced', async () => {
    const tracer = new Tracer({ serviceName: 's', env: lambdaEnv('1') });
    const client = tracer.captureAWSv3Client(dynamo({ status: 200, body: '{}' }));
    const from = received.length;
    await client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'x' } } }));
    await new Promise((r) => setTimeout(r, 100));
    expect(received.length).toBe(from);
  });
});

describe('observedHandler traces each invocation (shared/observability.ts)', () => {
  it('a handler subsegment per invocation; an error a later middleware answered is not a fault, an unhandled one is', async () => {
    const { observedHandler } = await import('../../../shared/observability.ts');
    const saved = { ...process.env };
    Object.assign(process.env, lambdaEnv('1'));
    try {
      const answered = observedHandler(async (): Promise<{ statusCode: number }> => {
        throw new Error('order of 王芳 refused');
      }).use({ onError: (request) => void (request.response = { statusCode: 409 }) });
      const failing = observedHandler(async () => {
        throw new TypeError('boom');
      });
      const from = received.length;
      await expect(answered({}, {} as never)).resolves.toEqual({ statusCode: 409 });
      await expect(failing({}, {} as never)).rejects.toThrow('boom');
      const [handled, unhandled] = await documentsSince(from, 2);
      expect(handled).toMatchObject({ name: '## index.handler', parent_id: PARENT });
      expect(handled?.fault).toBeUndefined();
      expect(handled?.error).toBeUndefined();
      expect(unhandled).toMatchObject({ fault: true, cause: { exceptions: [{ type: 'TypeError' }] } });
      expect(received.slice(from).join('')).not.toContain('王芳');
    } finally {
      for (const key of Object.keys(lambdaEnv('1'))) if (saved[key] === undefined) delete process.env[key];
    }
  });
});
