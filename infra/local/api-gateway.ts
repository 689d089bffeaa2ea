/**
 * API Gateway (REST API, v1) locally: the template's resources, methods, Cognito authorizer,
 * request validators, gateway responses and stage throttling, in front of Lambda proxy
 * integrations. Requests become the same proxy events API Gateway sends (`requestContext`,
 * `authorizer.claims`, multi-value headers and query strings), responses are mapped back as API
 * Gateway maps them (malformed Lambda output → 502, timeout → 504).
 */
import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ResourceNames } from './template.ts';
import { UnsupportedTemplateError, referencedLogicalIds } from './template.ts';
import type { LocalIssuer } from './local-issuer.ts';
import type { InvokeResult } from './lambda-runtime.ts';
import { LOCAL_ACCOUNT } from './aws-protocol.ts';

/** API Gateway's maximum payload. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway's maximum integration timeout for REST APIs. */
const INTEGRATION_TIMEOUT_MS = 29_000;

interface Route {
  resourcePath: string;
  segments: string[];
  methods: Map<string, MethodDefinition>;
}

interface MethodDefinition {
  httpMethod: string;
  authorization: 'NONE' | 'COGNITO_USER_POOLS';
  authorizer?: { poolIds: string[]; header: string };
  integration: { type: 'AWS_PROXY'; functionLogicalId: string } | { type: 'MOCK'; statusCode: number; headers: Record<string, string> };
  requiredParameters: { header: string[]; querystring: string[]; path: string[] };
  validateParameters: boolean;
}

interface GatewayResponse {
  statusCode?: number;
  headers: Record<string, string>;
  template?: string;
}

const DEFAULT_GATEWAY_RESPONSES: Record<string, { status: number; message: string; family: '4XX' | '5XX' }> = {
  UNAUTHORIZED: { status: 401, message: 'Unauthorized', family: '4XX' },
  ACCESS_DENIED: { status: 403, message: 'User is not authorized to access this resource', family: '4XX' },
  MISSING_AUTHENTICATION_TOKEN: { status: 403, message: 'Missing Authentication Token', family: '4XX' },
  BAD_REQUEST_PARAMETERS: { status: 400, message: 'Missing required request parameters', family: '4XX' },
  REQUEST_TOO_LARGE: { status: 413, message: 'Request Too Long', family: '4XX' },
  THROTTLED: { status: 429, message: 'Too Many Requests', family: '4XX' },
  INTEGRATION_FAILURE: { status: 502, message: 'Internal server error', family: '5XX' },
  INTEGRATION_TIMEOUT: { status: 504, message: 'Endpoint request timed out', family: '5XX' },
};

export interface LocalApi {
  readonly url: string;
  readonly port: number;
  readonly stageName: string;
  close(): Promise<void>;
}

export interface ApiGatewayOptions {
  names: ResourceNames;
  issuer: LocalIssuer;
  invoke: (functionLogicalId: string, event: unknown) => Promise<InvokeResult>;
  port: number;
  host?: string;
  /** Counts of requests per status code, for benchmarks. */
  onResponse?: (status: number) => void;
  /** Every answered request: its status and latency (request received → response sent), for the local metrics. */
  onRequest?: (status: number, latencyMs: number) => void;
  /** Paths the API does not own, answered before routing (the staff console and its local sign-in); true when answered. */
  beforeRouting?: (req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer) => Promise<boolean>;
}

/** A token bucket per stage, like API Gateway's stage-level throttling. */
class TokenBucket {
  private tokens: number;
  private last = Date.now();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface MethodSetting {
  HttpMethod?: string;
  ResourcePath?: string;
  ThrottlingRateLimit?: number;
  ThrottlingBurstLimit?: number;
  CachingEnabled?: boolean;
}

/**
 * Stage throttling as API Gateway applies it: the stage's default (`*` on `/*`) and method
 * settings (`GET` on `/~1items~1{id}`) give every method its own token bucket;
 * a method's own setting overrides the default limit by limit. Keys are `GET /items/{id}`.
 */
function readThrottling(settings: MethodSetting[], routes: Route[]): Map<string, TokenBucket> {
  // '/' + the resource path with '/' escaped as '~1' (and '~' as '~0'): '/~1items~1{id}'
  const decode = (p: unknown) => String(p).slice(1).replace(/~1/g, '/').replace(/~0/g, '~');
  const stageDefault = settings.find((m) => m.HttpMethod === '*' && m.ResourcePath === '/*');
  const own = settings.filter((m) => m !== stageDefault);
  for (const setting of settings) {
    if (setting.CachingEnabled) throw new UnsupportedTemplateError(`stage method setting ${setting.HttpMethod} ${setting.ResourcePath}: response caching is not emulated`);
  }
  for (const setting of own) {
    const route = routes.find((r) => r.resourcePath === decode(setting.ResourcePath));
    if (!route || (setting.HttpMethod !== '*' && !route.methods.has(String(setting.HttpMethod)))) {
      throw new UnsupportedTemplateError(`stage method setting ${setting.HttpMethod} ${decode(setting.ResourcePath)}: the API has no such method`);
    }
  }
  const buckets = new Map<string, TokenBucket>();
  for (const route of routes) {
    for (const method of route.methods.keys()) {
      const forPath = own.filter((m) => decode(m.ResourcePath) === route.resourcePath);
      const setting = forPath.find((m) => m.HttpMethod === method) ?? forPath.find((m) => m.HttpMethod === '*');
      const rate = setting?.ThrottlingRateLimit ?? stageDefault?.ThrottlingRateLimit;
      const burst = setting?.ThrottlingBurstLimit ?? stageDefault?.ThrottlingBurstLimit;
      if (rate === undefined && burst === undefined) continue;
      buckets.set(`${method} ${route.resourcePath}`, new TokenBucket(Number(rate ?? burst), Number(burst ?? rate)));
    }
  }
  return buckets;
}

function buildApi(names: ResourceNames) {
  const apis = names.rawOfType('AWS::ApiGateway::RestApi');
  if (apis.length > 1) throw new UnsupportedTemplateError('the local cloud serves one RestApi per stack; found ' + apis.map((a) => a.logicalId).join(', '));
  const api = apis[0];
  if (!api) return undefined;

  // resource tree → full paths
  const resources = new Map(names.rawOfType('AWS::ApiGateway::Resource').map((r) => [r.logicalId, r.properties]));
  const pathOf = (resourceId: unknown): string => {
    const ids = [...referencedLogicalIds(resourceId)];
    const resolved = names.resolve(resourceId);
    if (resolved === `${api.logicalId}:root`) return '/';
    const id = ids[0];
    const props = id ? resources.get(id) : undefined;
    if (!id || !props) throw new UnsupportedTemplateError(`API resource ${JSON.stringify(resourceId)} not found`);
    const parent = pathOf(props.ParentId);
    return `${parent === '/' ? '' : parent}/${String(props.PathPart)}`;
  };

  const authorizers = new Map(
    names.ofType('AWS::ApiGateway::Authorizer').map(({ logicalId, properties }) => {
      if (properties.Type !== 'COGNITO_USER_POOLS') throw new UnsupportedTemplateError(`authorizer type ${String(properties.Type)} (${logicalId}) is not supported`);
      const poolIds = (properties.ProviderARNs as string[]).map((arn) => arn.split('/').pop() as string);
      const header = String(properties.IdentitySource ?? 'method.request.header.Authorization')
        .replace('method.request.header.', '')
        .toLowerCase();
      return [logicalId, { poolIds, header }];
    }),
  );
  const validators = new Map(names.ofType('AWS::ApiGateway::RequestValidator').map(({ logicalId, properties }) => [logicalId, properties]));

  const routes = new Map<string, Route>();
  for (const { logicalId, properties: raw } of names.rawOfType('AWS::ApiGateway::Method')) {
    const resourcePath = pathOf(raw.ResourceId);
    const props = names.resolve(raw) as Record<string, unknown>;
    const integrationRaw = raw.Integration as Record<string, unknown> | undefined;
    const integrationType = String((props.Integration as Record<string, unknown> | undefined)?.Type ?? '');
    let integration: MethodDefinition['integration'];
    if (integrationType === 'AWS_PROXY') {
      // The integration invokes the function or its alias (`live`); locally both are the function.
      const target = [...referencedLogicalIds(integrationRaw?.Uri)].find((id) => ['AWS::Lambda::Function', 'AWS::Lambda::Alias'].includes(names.stack.Resources[id]?.Type ?? ''));
      const fn =
        target && names.stack.Resources[target]?.Type === 'AWS::Lambda::Alias' ? [...referencedLogicalIds(names.stack.Resources[target]?.Properties?.FunctionName)][0] : target;
      if (!fn) throw new UnsupportedTemplateError(`method ${logicalId}: only Lambda proxy integrations are supported`);
      integration = { type: 'AWS_PROXY', functionLogicalId: fn };
    } else if (integrationType === 'MOCK') {
      const response = ((props.Integration as Record<string, unknown>).IntegrationResponses as Array<Record<string, unknown>> | undefined)?.[0] ?? {};
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries((response.ResponseParameters as Record<string, string>) ?? {})) {
        headers[k.replace('method.response.header.', '').toLowerCase()] = String(v).replace(/^'|'$/g, '');
      }
      integration = { type: 'MOCK', statusCode: Number(response.StatusCode ?? 200), headers };
    } else {
      throw new UnsupportedTemplateError(`method ${logicalId}: integration type ${integrationType} is not supported`);
    }
    const required = { header: [] as string[], querystring: [] as string[], path: [] as string[] };
    for (const [k, v] of Object.entries((props.RequestParameters as Record<string, boolean>) ?? {})) {
      const m = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(k);
      if (m && v) required[m[1] as keyof typeof required].push(m[1] === 'header' ? (m[2] as string).toLowerCase() : (m[2] as string));
    }
    const validatorId = [...referencedLogicalIds(raw.RequestValidatorId)][0];
    const validator = validatorId ? validators.get(validatorId) : undefined;
    if (validator?.ValidateRequestBody)
      throw new UnsupportedTemplateError(`request validator ${validatorId}: body validation against models is not emulated (handlers validate bodies)`);
    const authorizerId = [...referencedLogicalIds(raw.AuthorizerId)][0];
    const method: MethodDefinition = {
      httpMethod: String(props.HttpMethod),
      authorization: props.AuthorizationType === 'COGNITO_USER_POOLS' ? 'COGNITO_USER_POOLS' : 'NONE',
      authorizer: authorizerId ? authorizers.get(authorizerId) : undefined,
      integration,
      requiredParameters: required,
      validateParameters: Boolean(validator?.ValidateRequestParameters),
    };
    if (props.AuthorizationType && !['NONE', 'COGNITO_USER_POOLS'].includes(String(props.AuthorizationType))) {
      throw new UnsupportedTemplateError(`method ${logicalId}: authorization type ${String(props.AuthorizationType)} is not supported`);
    }
    const route = routes.get(resourcePath) ?? { resourcePath, segments: resourcePath.split('/').filter(Boolean), methods: new Map() };
    route.methods.set(method.httpMethod, method);
    routes.set(resourcePath, route);
  }

  const stages = names.ofType('AWS::ApiGateway::Stage');
  if (stages.length > 1) throw new UnsupportedTemplateError('the local cloud serves one stage per RestApi; found ' + stages.map((st) => st.logicalId).join(', '));
  const stage = stages[0]?.properties;
  const stageName = String(stage?.StageName ?? 'local');
  const throttles = readThrottling((stage?.MethodSettings as MethodSetting[] | undefined) ?? [], [...routes.values()]);

  const gatewayResponses = new Map<string, GatewayResponse>();
  for (const { properties } of names.ofType('AWS::ApiGateway::GatewayResponse')) {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((properties.ResponseParameters as Record<string, string>) ?? {})) {
      headers[k.replace('gatewayresponse.header.', '').toLowerCase()] = String(v).replace(/^'|'$/g, '');
    }
    const templates = (properties.ResponseTemplates as Record<string, string>) ?? {};
    gatewayResponses.set(String(properties.ResponseType), {
      statusCode: properties.StatusCode ? Number(properties.StatusCode) : undefined,
      headers,
      template: templates['application/json'] ?? Object.values(templates)[0],
    });
  }
  return { apiId: names.ref(api.logicalId), routes: [...routes.values()], stageName, throttles, gatewayResponses };
}

function matchRoute(routes: Route[], pathname: string): { route: Route; params: Record<string, string> } | undefined {
  const parts = pathname
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  let best: { route: Route; params: Record<string, string>; score: number } | undefined;
  for (const route of routes) {
    const params: Record<string, string> = {};
    let score = 0;
    let ok = true;
    for (let i = 0; i < route.segments.length; i++) {
      const seg = route.segments[i] as string;
      const greedy = /^\{(.+)\+\}$/.exec(seg);
      if (greedy) {
        if (i >= parts.length) ok = false;
        else params[greedy[1] as string] = parts.slice(i).join('/');
        score += 1;
        i = route.segments.length;
        if (ok) return { route, params };
        break;
      }
      const part = parts[i];
      if (part === undefined) {
        ok = false;
        break;
      }
      const variable = /^\{(.+)\}$/.exec(seg);
      if (variable) {
        params[variable[1] as string] = part;
        score += 2;
      } else if (seg === part) score += 3;
      else {
        ok = false;
        break;
      }
    }
    if (ok && route.segments.length === parts.length && (!best || score > best.score)) best = { route, params, score };
  }
  return best && { route: best.route, params: best.params };
}

/**
 * The request body, or 'too-large' past API Gateway's 10 MB limit. An oversized body is read to
 * its end and dropped (not buffered), so the client gets the 413 instead of a reset connection.
 */
function readBody(req: http.IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.once('end', () => resolve(size > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** Starts the local API Gateway on `options.port` (0 = any free port). */
export async function startApiGateway(options: ApiGatewayOptions): Promise<LocalApi | undefined> {
  const built = buildApi(options.names);
  if (!built) return undefined;
  const api = built;

  const sendGatewayResponse = (res: http.ServerResponse, type: string, requestId: string, extraHeaders: Record<string, string> = {}) => {
    const defaults = DEFAULT_GATEWAY_RESPONSES[type] ?? { status: 500, message: 'Internal server error', family: '5XX' as const };
    const custom = api.gatewayResponses.get(type) ?? api.gatewayResponses.get(`DEFAULT_${defaults.family}`);
    const status = custom?.statusCode ?? defaults.status;
    const body = custom?.template
      ? custom.template
          .replace(/\$context\.error\.messageString/g, JSON.stringify(defaults.message))
          .replace(/\$context\.error\.message/g, defaults.message)
          .replace(/\$context\.requestId/g, requestId)
          .replace(/\$context\.error\.responseType/g, type)
      : JSON.stringify({ message: defaults.message });
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': type, ...extraHeaders, ...(custom?.headers ?? {}) });
    res.end(body);
    options.onResponse?.(status);
  };

  const server = http.createServer((req, res) => {
    const received = performance.now();
    if (options.onRequest) res.once('finish', () => options.onRequest?.(res.statusCode, performance.now() - received));
    void handle(req, res).catch((error: unknown) => {
      console.error('[local-cloud] API request failed:', error);
      if (!res.headersSent) sendGatewayResponse(res, 'INTEGRATION_FAILURE', crypto.randomUUID());
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = crypto.randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const rawBody = await readBody(req);
    if (rawBody === 'too-large') return sendGatewayResponse(res, 'REQUEST_TOO_LARGE', requestId);
    if (options.beforeRouting && (await options.beforeRouting(req, res, url, rawBody))) return;

    const match = matchRoute(api.routes, url.pathname);
    const method = match?.route.methods.get(req.method ?? 'GET') ?? match?.route.methods.get('ANY');
    if (!match || !method) return sendGatewayResponse(res, 'MISSING_AUTHENTICATION_TOKEN', requestId);
    const bucket = api.throttles.get(`${method.httpMethod} ${match.route.resourcePath}`);
    if (bucket && !bucket.take()) return sendGatewayResponse(res, 'THROTTLED', requestId);

    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i] as string;
      const value = req.rawHeaders[i + 1] as string;
      // a repeated header: its last value in `headers`, all of them in `multiValueHeaders`
      headers[name] = value;
      (multiValueHeaders[name] ??= []).push(value);
    }
    const lowerHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

    if (method.integration.type === 'MOCK') {
      res.writeHead(method.integration.statusCode, { 'content-type': 'application/json', ...method.integration.headers });
      res.end();
      options.onResponse?.(method.integration.statusCode);
      return;
    }

    let claims: Record<string, string> | undefined;
    if (method.authorization === 'COGNITO_USER_POOLS') {
      const auth = method.authorizer;
      const raw = auth ? lowerHeaders[auth.header] : undefined;
      if (!auth || !raw) return sendGatewayResponse(res, 'UNAUTHORIZED', requestId);
      const token = raw.replace(/^Bearer\s+/i, '');
      try {
        const payload = await options.issuer.verify(token, auth.poolIds);
        claims = Object.fromEntries(
          Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : k === 'exp' || k === 'iat' ? new Date(Number(v) * 1000).toUTCString() : String(v)]),
        );
      } catch {
        return sendGatewayResponse(res, 'UNAUTHORIZED', requestId);
      }
    }

    const query: Record<string, string> = {};
    const multiQuery: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) {
      query[k] = v;
      (multiQuery[k] ??= []).push(v);
    }
    if (method.validateParameters) {
      const missing =
        method.requiredParameters.header.some((h) => !lowerHeaders[h]) || method.requiredParameters.querystring.some((q) => query[q] === undefined || query[q] === '');
      if (missing) return sendGatewayResponse(res, 'BAD_REQUEST_PARAMETERS', requestId);
    }

    const now = new Date();
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const event = {
      resource: match.route.resourcePath,
      path: url.pathname,
      httpMethod: req.method,
      headers: Object.keys(headers).length ? headers : null,
      multiValueHeaders: Object.keys(multiValueHeaders).length ? multiValueHeaders : null,
      queryStringParameters: Object.keys(query).length ? query : null,
      multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : null,
      pathParameters: Object.keys(match.params).length ? match.params : null,
      stageVariables: null,
      requestContext: {
        accountId: LOCAL_ACCOUNT,
        apiId: api.apiId,
        resourceId: match.route.resourcePath,
        resourcePath: match.route.resourcePath,
        httpMethod: req.method,
        extendedRequestId: requestId,
        requestId,
        path: `/${api.stageName}${url.pathname}`,
        stage: api.stageName,
        protocol: `HTTP/${req.httpVersion}`,
        requestTime: now.toUTCString(),
        requestTimeEpoch: now.getTime(),
        domainName: lowerHeaders.host ?? 'localhost',
        identity: {
          sourceIp,
          userAgent: lowerHeaders['user-agent'] ?? null,
          accountId: null,
          caller: null,
          user: null,
          userArn: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          cognitoAuthenticationType: null,
          cognitoAuthenticationProvider: null,
          accessKey: null,
          apiKey: null,
        },
        ...(claims ? { authorizer: { claims } } : {}),
      },
      body: rawBody.length ? rawBody.toString('utf8') : null,
      isBase64Encoded: false,
    };

    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), INTEGRATION_TIMEOUT_MS).unref());
    const result = await Promise.race([options.invoke(method.integration.functionLogicalId, event), timeout]);
    if (result === 'timeout') return sendGatewayResponse(res, 'INTEGRATION_TIMEOUT', requestId);
    if (result.status === 'error') return sendGatewayResponse(res, 'INTEGRATION_FAILURE', requestId);
    const payload = result.payload as {
      statusCode?: unknown;
      headers?: Record<string, unknown>;
      multiValueHeaders?: Record<string, unknown[]>;
      body?: unknown;
      isBase64Encoded?: boolean;
    } | null;
    if (
      !payload ||
      typeof payload !== 'object' ||
      typeof payload.statusCode !== 'number' ||
      (payload.body !== undefined && payload.body !== null && typeof payload.body !== 'string')
    ) {
      return sendGatewayResponse(res, 'INTEGRATION_FAILURE', requestId);
    }
    const outHeaders: Record<string, string | string[]> = { 'x-amzn-requestid': requestId };
    for (const [k, v] of Object.entries(payload.headers ?? {})) outHeaders[k.toLowerCase()] = String(v);
    for (const [k, v] of Object.entries(payload.multiValueHeaders ?? {})) outHeaders[k.toLowerCase()] = v.map(String);
    outHeaders['content-type'] ??= 'application/json';
    const body = payload.body ? (payload.isBase64Encoded ? Buffer.from(payload.body as string, 'base64') : Buffer.from(payload.body as string, 'utf8')) : Buffer.alloc(0);
    res.writeHead(payload.statusCode, outHeaders);
    res.end(body);
    options.onResponse?.(payload.statusCode);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    stageName: api.stageName,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
