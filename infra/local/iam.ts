/**
 * IAM for the local cloud's DynamoDB: each function signs its requests with an access key naming
 * its execution role (as Lambda gives a function its role's credentials), and the DynamoDB proxy
 * refuses a request its role's identity policies do not allow — with DynamoDB's own
 * `AccessDeniedException` — so a missing grant fails in the e2e suite and the benchmark as it would
 * on AWS, not only after a deployment.
 *
 * What is evaluated: the role's inline policies (`AWS::IAM::Role` Policies) and the
 * `AWS::IAM::Policy` resources attached to it; `Allow` and `Deny` statements; actions and resources
 * with `*` and `?` wildcards; `NotAction`/`NotResource` are refused as unsupported. Not evaluated:
 * statement conditions (a statement applies as if its conditions held — the local check is never
 * stricter than AWS on them), managed policies (AWS's managed policies for Lambda grant no DynamoDB
 * action), resource policies, permission boundaries and SCPs. Requests signed with any other key
 * (tests, the seed, the benchmark's replay) are not checked.
 *
 * Which actions a request needs, as DynamoDB authorises them: the operation's own action on its
 * table or index (`dynamodb:Query` on `…:table/T/index/I`), `dynamodb:BatchGetItem` and
 * `dynamodb:BatchWriteItem` on each table of the batch, and for transactions the action of each item
 * (`dynamodb:PutItem`, `UpdateItem`, `DeleteItem`, `ConditionCheckItem`; `GetItem` for
 * TransactGetItems) on its table.
 */
import crypto from 'node:crypto';
import { LOCAL_ACCOUNT } from './aws-protocol.ts';
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

  /** Whether the role's policies allow `action` on `resource` (an explicit Deny wins). */
  allows(role: string, action: string, resource: string): boolean {
    const statements = this.byRole.get(role) ?? [];
    const matches = (s: Statement) => s.actions.some((a) => a.test(action)) && s.resources.some((r) => r.test(resource));
    if (statements.some((s) => s.effect === 'Deny' && matches(s))) return false;
    return statements.some((s) => s.effect === 'Allow' && matches(s));
  }
}

function statementsOf(document: unknown, where: string): Statement[] {
  const raw = (document as { Statement?: unknown } | undefined)?.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.map((s: Record<string, unknown>) => {
    if (s.NotAction !== undefined || s.NotResource !== undefined) throw new Error(`${where}: NotAction and NotResource are not supported by the local cloud's IAM check`);
    return {
      effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
      actions: asList(s.Action).map((a) => pattern(a, 'i')),
      resources: asList(s.Resource).map((r) => pattern(r, '')),
    } satisfies Statement;
  });
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

/** An IAM wildcard (`*` any run, `?` one character) as an anchored expression; actions match case-insensitively, as IAM's do. */
function pattern(glob: string, flags: string): RegExp {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, flags);
}

/** What a DynamoDB request needs: an action on a resource, for each part of it. */
export interface RequiredPermission {
  readonly action: string;
  readonly resource: string;
}

const TRANSACT_WRITE_ACTIONS: Readonly<Record<string, string>> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' };

/**
 * The permissions a DynamoDB request needs (`operation` is the `X-Amz-Target` operation, `input`
 * its JSON body), given how a table name becomes its ARN.
 */
export function dynamoDbPermissions(operation: string, input: Record<string, unknown>, tableArn: (table: string) => string): RequiredPermission[] {
  const table = typeof input.TableName === 'string' ? input.TableName : undefined;
  const onTable = (name: string | undefined, index?: unknown) => (name === undefined ? '*' : `${tableArn(name)}${typeof index === 'string' ? `/index/${index}` : ''}`);
  switch (operation) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys((input.RequestItems as Record<string, unknown> | undefined) ?? {}).map((name) => ({ action: `dynamodb:${operation}`, resource: onTable(name) }));
    case 'TransactWriteItems':
      return ((input.TransactItems as Array<Record<string, { TableName?: string }>> | undefined) ?? []).flatMap((item) =>
        Object.entries(item)
          .filter(([kind]) => TRANSACT_WRITE_ACTIONS[kind] !== undefined)
          .map(([kind, part]) => ({ action: `dynamodb:${TRANSACT_WRITE_ACTIONS[kind]}`, resource: onTable(part.TableName) })),
      );
    case 'TransactGetItems':
      return ((input.TransactItems as Array<{ Get?: { TableName?: string } }> | undefined) ?? []).map((item) => ({
        action: 'dynamodb:GetItem',
        resource: onTable(item.Get?.TableName),
      }));
    case 'Query':
    case 'Scan':
      return [{ action: `dynamodb:${operation}`, resource: onTable(table, input.IndexName) }];
    default:
      return [{ action: `dynamodb:${operation}`, resource: onTable(table) }];
  }
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
