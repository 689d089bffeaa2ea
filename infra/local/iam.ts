/**
 * IAM for the local cloud's DynamoDB: each function signs its requests with an access key naming
 * its execution role (as Lambda gives a function its role's credentials), and the DynamoDB proxy
 * refuses a request its role's identity policies do not allow — with DynamoDB's own
 * `AccessDeniedException` — so a missing grant fails in the e2e suite and the benchmark as it would
 * on AWS, not only after a deployment.
 *
 * What is evaluated: the role's inline policies (`AWS::IAM::Role` Policies) and the
 * `AWS::IAM::Policy` resources attached to it; `Allow` and `Deny` statements; actions and resources
 * with `*` and `?` wildcards; the one condition the stack puts on DynamoDB grants,
 * `dynamodb:LeadingKeys` with `ForAllValues:StringEquals` or `ForAllValues:StringLike` (the partition
 * key values of every item the request touches; a Scan has none, so it holds, as on AWS). Refused
 * when the template is read, rather than evaluated wrongly: `NotAction`/`NotResource`, any other
 * condition on a statement that grants DynamoDB actions, and a conditional Deny. Not evaluated:
 * managed policies (AWS's managed policies for Lambda grant no DynamoDB action), resource
 * policies, permission boundaries and SCPs. Requests signed with any other key (tests, the seed,
 * the benchmark's replay) are not checked, and neither is a request naming no table (DynamoDB Local
 * answers it with its own validation error).
 *
 * Which actions a request needs, as DynamoDB authorises them: the operation's own action on its
 * table or index (`dynamodb:Query` on `…:table/T/index/I`), `dynamodb:BatchGetItem` and
 * `dynamodb:BatchWriteItem` on each table of the batch, and for transactions the action of each item
 * (`dynamodb:PutItem`, `UpdateItem`, `DeleteItem`, `ConditionCheckItem`; `GetItem` for
 * TransactGetItems) on its table.
 */
import crypto from 'node:crypto';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './aws-protocol.ts';
import { isObject } from './event-pattern.ts';
import type { ResourceNames } from './template.ts';

/**
 * The access key a function's requests are signed with: its role's. Letters and digits only, as
 * DynamoDB Local accepts no other access key id (`ROLE` and a digest of the role's name).
 */
export const roleAccessKey = (roleName: string) => `ROLE${crypto.createHash('sha256').update(roleName).digest('hex').slice(0, 16).toUpperCase()}`;

/** The access key id of a SigV4 `Authorization` header (`… Credential=<key>/<date>/…`). */
export function accessKeyOf(authorization: string): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(authorization)?.[1];
}

interface Statement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly RegExp[];
  readonly resources: readonly RegExp[];
  /** `dynamodb:LeadingKeys` patterns: every partition key value of the request must match one (ForAllValues). */
  readonly leadingKeys?: readonly RegExp[];
}

/** Identity policies of every role in a template, ready to evaluate. */
export class RolePolicies {
  private readonly byRole = new Map<string, Statement[]>();
  private readonly byAccessKey = new Map<string, string>();

  constructor(names: ResourceNames) {
    const add = (role: string, document: unknown, where: string) => {
      const list = this.byRole.get(role) ?? [];
      for (const statement of statementsOf(document, where)) list.push(statement);
      this.byRole.set(role, list);
    };
    for (const { logicalId, properties } of names.ofType('AWS::IAM::Role')) {
      const role = names.ref(logicalId);
      this.byRole.set(role, this.byRole.get(role) ?? []);
      for (const policy of (properties.Policies as Array<{ PolicyDocument?: unknown }> | undefined) ?? []) add(role, policy.PolicyDocument, `role ${logicalId}`);
    }
    for (const { logicalId, properties } of names.ofType('AWS::IAM::Policy')) {
      for (const role of (properties.Roles as unknown[] | undefined) ?? []) add(String(role), properties.PolicyDocument, `policy ${logicalId}`);
    }
    for (const role of this.byRole.keys()) this.byAccessKey.set(roleAccessKey(role), role);
  }

  /** The role whose access key this is ({@link roleAccessKey}), if any. */
  roleOf(accessKeyId: string): string | undefined {
    return this.byAccessKey.get(accessKeyId);
  }

  /** The role's name from its ARN (`arn:aws:iam::<account>:role/<name>`). */
  static roleNameOf(roleArn: string): string {
    return roleArn.slice(roleArn.lastIndexOf('/') + 1);
  }

  /** Whether the role is known (a role the template defines). */
  has(role: string): boolean {
    return this.byRole.has(role);
  }

  /**
   * Whether the role's policies allow `needed` (an explicit Deny wins). A statement conditioned on
   * leading keys applies only when every partition key value of the request is known and matches.
   */
  allows(role: string, needed: RequiredPermission): boolean {
    const statements = this.byRole.get(role) ?? [];
    const holds = (s: Statement) => s.leadingKeys === undefined || (needed.leadingKeys !== undefined && needed.leadingKeys.every((key) => s.leadingKeys!.some((p) => p.test(key))));
    const matches = (s: Statement) => s.actions.some((a) => a.test(needed.action)) && s.resources.some((r) => r.test(needed.resource)) && holds(s);
    if (statements.some((s) => s.effect === 'Deny' && matches(s))) return false;
    return statements.some((s) => s.effect === 'Allow' && matches(s));
  }
}

function statementsOf(document: unknown, where: string): Statement[] {
  const raw = (document as { Statement?: unknown } | undefined)?.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.map((s: Record<string, unknown>) => {
    if (s.NotAction !== undefined || s.NotResource !== undefined) throw new Error(`${where}: NotAction and NotResource are not supported by the local cloud's IAM check`);
    const actions = asList(s.Action);
    const effect = s.Effect === 'Deny' ? 'Deny' : 'Allow';
    const grantsDynamoDb = actions.some((a) => a === '*' || a.toLowerCase().startsWith('dynamodb:'));
    const leadingKeys = grantsDynamoDb && s.Condition !== undefined ? leadingKeysOf(s.Condition, effect, where) : undefined;
    return {
      effect,
      actions: actions.map((a) => pattern(a, 'i')),
      resources: asList(s.Resource).map((r) => pattern(r, '')),
      ...(leadingKeys ? { leadingKeys } : {}),
    } satisfies Statement;
  });
}

/** The leading-key patterns of a DynamoDB statement's condition; anything else is refused (see the module documentation). */
function leadingKeysOf(condition: unknown, effect: 'Allow' | 'Deny', where: string): RegExp[] {
  const unsupported = (what: string) => new Error(`${where}: ${what} on a DynamoDB statement is not supported by the local cloud's IAM check`);
  if (effect === 'Deny') throw unsupported('a conditional Deny');
  const patterns: RegExp[] = [];
  for (const [operator, keys] of Object.entries(condition as Record<string, Record<string, unknown>>)) {
    for (const [key, values] of Object.entries(keys ?? {})) {
      if (key.toLowerCase() !== 'dynamodb:leadingkeys') throw unsupported(`the condition key ${key}`);
      if (operator === 'ForAllValues:StringEquals') patterns.push(...asList(values).map((v) => new RegExp(`^${escapeRegExp(v)}$`)));
      else if (operator === 'ForAllValues:StringLike') patterns.push(...asList(values).map((v) => pattern(v, '')));
      else throw unsupported(`the condition operator ${operator}`);
    }
  }
  return patterns;
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

/** An IAM wildcard (`*` any run, `?` one character) as an anchored expression; actions match case-insensitively, as IAM's do. */
function pattern(glob: string, flags: string): RegExp {
  return new RegExp(`^${escapeRegExp(glob).replace(/\\\*/g, '.*').replace(/\\\?/g, '.')}$`, flags);
}

/** `text` matched literally in a regular expression. */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a DynamoDB request needs: an action on a resource, for each part of it. */
export interface RequiredPermission {
  readonly action: string;
  readonly resource: string;
  /** The partition key values of the items it touches (`dynamodb:LeadingKeys`); undefined when they could not be told. */
  readonly leadingKeys?: readonly string[];
}

/** What the check knows of the template's tables. */
export interface TableLookup {
  /** The table's ARN, from its name (or its ARN, which DynamoDB also accepts). */
  arn(table: string): string;
  /** The partition key attribute of the table, or of one of its indexes. */
  partitionKey(table: string, index?: string): string | undefined;
}

const TRANSACT_WRITE_ACTIONS: Readonly<Record<string, string>> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' };

type Part = { readonly TableName?: unknown; readonly Key?: unknown; readonly Item?: unknown };
const objects = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isObject) : []);

/** A wire-format key value (`{ S: … }`, `{ N: … }`, `{ B: … }`) as text. */
function scalar(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const text = value.S ?? value.N ?? value.B;
  return typeof text === 'string' ? text : undefined;
}

/**
 * The permissions a DynamoDB request needs (`operation` is the `X-Amz-Target` operation, `input`
 * its JSON body). A request naming no table needs none here: DynamoDB answers it with a validation error.
 */
export function dynamoDbPermissions(operation: string, body: unknown, tables: TableLookup): RequiredPermission[] {
  const input = isObject(body) ? body : {};
  const need = (action: string, table: unknown, leadingKeys: readonly (string | undefined)[] | undefined, index?: unknown): RequiredPermission[] =>
    typeof table === 'string' && table !== ''
      ? [
          {
            action: `dynamodb:${action}`,
            resource: `${tables.arn(table)}${typeof index === 'string' ? `/index/${index}` : ''}`,
            ...(leadingKeys && leadingKeys.every((k) => k !== undefined) ? { leadingKeys: leadingKeys as string[] } : {}),
          },
        ]
      : [];
  const keyOf = (table: unknown, item: unknown) => {
    const name = typeof table === 'string' ? tables.partitionKey(table) : undefined;
    return name === undefined || !isObject(item) ? undefined : scalar(item[name]);
  };
  const ofPart = (part: Part) => keyOf(part.TableName, part.Key ?? part.Item);
  switch (operation) {
    case 'BatchGetItem':
    case 'BatchWriteItem': {
      const requests = isObject(input.RequestItems) ? input.RequestItems : {};
      return Object.entries(requests).flatMap(([table, request]) =>
        need(
          operation,
          table,
          batchItems(operation, request).map((item) => keyOf(table, item)),
        ),
      );
    }
    case 'TransactWriteItems':
      return objects(input.TransactItems).flatMap((item) =>
        Object.entries(item)
          .filter(([kind, part]) => TRANSACT_WRITE_ACTIONS[kind] !== undefined && isObject(part))
          .flatMap(([kind, part]) => need(TRANSACT_WRITE_ACTIONS[kind]!, (part as Part).TableName, [ofPart(part as Part)])),
      );
    case 'TransactGetItems':
      return objects(input.TransactItems).flatMap((item) => (isObject(item.Get) ? need('GetItem', item.Get.TableName, [ofPart(item.Get)]) : []));
    case 'Query':
      return need(operation, input.TableName, [queriedPartition(input, tables)], input.IndexName);
    case 'Scan':
      return need(operation, input.TableName, [], input.IndexName);
    default:
      return need(operation, input.TableName, [ofPart(input)]);
  }
}

/** The items (keys, or whole items put) of one table's part of a batch request. */
function batchItems(operation: string, request: unknown): unknown[] {
  if (operation === 'BatchGetItem') return objects(isObject(request) ? request.Keys : undefined);
  return objects(request).map((r) => (isObject(r.PutRequest) ? r.PutRequest.Item : undefined) ?? (isObject(r.DeleteRequest) ? r.DeleteRequest.Key : undefined));
}

/** The partition key value a Query's key condition names (`<key> = :value`), if it can be told. */
function queriedPartition(input: Record<string, unknown>, tables: TableLookup): string | undefined {
  const table = input.TableName;
  const expression = input.KeyConditionExpression;
  if (typeof table !== 'string' || typeof expression !== 'string') return undefined;
  const key = tables.partitionKey(table, typeof input.IndexName === 'string' ? input.IndexName : undefined);
  const names = isObject(input.ExpressionAttributeNames) ? input.ExpressionAttributeNames : {};
  const values = isObject(input.ExpressionAttributeValues) ? input.ExpressionAttributeValues : {};
  for (const [, name, value] of expression.matchAll(/([#\w.]+)\s*=\s*(:\w+)/g)) {
    const attribute = name!.startsWith('#') ? names[name!] : name;
    if (attribute === key) return scalar(values[value!]);
  }
  return undefined;
}

/** The template's tables as {@link dynamoDbPermissions} needs them: ARN by name, partition keys of the table and its indexes. */
export function tablesOf(names: ResourceNames): TableLookup {
  const keys = new Map<string, { table?: string; indexes: Map<string, string | undefined> }>();
  const hashOf = (schema: unknown) =>
    Array.isArray(schema) ? (schema as Array<{ AttributeName?: string; KeyType?: string }>).find((k) => k.KeyType === 'HASH')?.AttributeName : undefined;
  for (const { logicalId, properties } of names.ofType('AWS::DynamoDB::Table')) {
    const indexes = new Map<string, string | undefined>();
    for (const index of [...objects(properties.GlobalSecondaryIndexes), ...objects(properties.LocalSecondaryIndexes)]) {
      if (typeof index.IndexName === 'string') indexes.set(index.IndexName, hashOf(index.KeySchema));
    }
    keys.set(names.ref(logicalId), { table: hashOf(properties.KeySchema), indexes });
  }
  const nameOf = (table: string) => (table.startsWith('arn:') ? table.slice(table.indexOf(':table/') + ':table/'.length) : table);
  return {
    arn: (table) => (table.startsWith('arn:') ? table : `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${table}`),
    partitionKey: (table, index) => {
      const known = keys.get(nameOf(table));
      return index === undefined ? known?.table : known?.indexes.get(index);
    },
  };
}

/** DynamoDB's answer to a request the role may not make (the same type and wording as AWS's). */
export function accessDenied(role: string, missing: RequiredPermission): { status: number; body: string } {
  return {
    status: 400,
    body: JSON.stringify({
      __type: 'com.amazon.coral.service#AccessDeniedException',
      Message: `User: arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${role}/local is not authorized to perform: ${missing.action} on resource: ${missing.resource} because no identity-based policy allows the ${missing.action} action`,
    }),
  };
}
