/**
 * The local cloud's IAM check for DynamoDB (infra/local/iam.ts): which permissions a request needs,
 * as DynamoDB authorises them, and how a role's identity policies answer.
 */
import { describe, expect, it } from 'vitest';
import { accessKeyOf, dynamoDbPermissions, roleAccessKey, RolePolicies } from '../../../infra/local/iam.ts';
import type { ResourceNames } from '../../../infra/local/template.ts';

const arn = (table: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${table}`;

/** A template's resources as ResourceNames resolves them (only what RolePolicies reads). */
function namesOf(resources: Record<string, { type: string; properties: Record<string, unknown> }>): ResourceNames {
  return {
    ofType: (type: string) =>
      Object.entries(resources)
        .filter(([, r]) => r.type === type)
        .map(([logicalId, r]) => ({ logicalId, properties: r.properties })),
    ref: (logicalId: string) => `Stack-${logicalId}`,
  } as unknown as ResourceNames;
}

describe('what a DynamoDB request needs (infra/local/iam.ts)', () => {
  it('an item or table operation: its own action on the table; a query or scan of an index: on the index', () => {
    expect(dynamoDbPermissions('GetItem', { TableName: 'Orders' }, arn)).toEqual([{ action: 'dynamodb:GetItem', resource: arn('Orders') }]);
    expect(dynamoDbPermissions('Query', { TableName: 'Orders', IndexName: 'byCustomer' }, arn)).toEqual([
      { action: 'dynamodb:Query', resource: `${arn('Orders')}/index/byCustomer` },
    ]);
    expect(dynamoDbPermissions('Scan', { TableName: 'Orders' }, arn)).toEqual([{ action: 'dynamodb:Scan', resource: arn('Orders') }]);
  });

  it('a batch: its action on each of its tables; a transaction: each item’s own action on its table', () => {
    expect(dynamoDbPermissions('BatchGetItem', { RequestItems: { Orders: {}, Payments: {} } }, arn)).toEqual([
      { action: 'dynamodb:BatchGetItem', resource: arn('Orders') },
      { action: 'dynamodb:BatchGetItem', resource: arn('Payments') },
    ]);
    const transaction = {
      TransactItems: [{ Put: { TableName: 'Orders' } }, { Update: { TableName: 'Catalog' } }, { Delete: { TableName: 'Orders' } }, { ConditionCheck: { TableName: 'Catalog' } }],
    };
    expect(dynamoDbPermissions('TransactWriteItems', transaction, arn)).toEqual([
      { action: 'dynamodb:PutItem', resource: arn('Orders') },
      { action: 'dynamodb:UpdateItem', resource: arn('Catalog') },
      { action: 'dynamodb:DeleteItem', resource: arn('Orders') },
      { action: 'dynamodb:ConditionCheckItem', resource: arn('Catalog') },
    ]);
    expect(dynamoDbPermissions('TransactGetItems', { TransactItems: [{ Get: { TableName: 'Orders' } }] }, arn)).toEqual([{ action: 'dynamodb:GetItem', resource: arn('Orders') }]);
  });
});

describe('a role’s identity policies', () => {
  const policies = new RolePolicies(
    namesOf({
      FnRole: {
        type: 'AWS::IAM::Role',
        properties: { Policies: [{ PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: arn('Keys') }] } }] },
      },
      FnPolicy: {
        type: 'AWS::IAM::Policy',
        properties: {
          Roles: ['Stack-FnRole'],
          PolicyDocument: {
            Statement: [
              { Effect: 'Allow', Action: ['dynamodb:Query', 'dynamodb:Get*'], Resource: [arn('Orders'), `${arn('Orders')}/index/*`] },
              { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: arn('Orders'), Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ORDER#*'] } } },
              { Effect: 'Deny', Action: 'dynamodb:*', Resource: arn('Audit') },
              { Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' },
            ],
          },
        },
      },
      OtherRole: { type: 'AWS::IAM::Role', properties: {} },
    }),
  );

  it('allows what a statement names — wildcards in actions (any case) and resources; conditions taken as holding', () => {
    expect(policies.allows('Stack-FnRole', 'dynamodb:GetItem', arn('Keys'))).toBe(true);
    expect(policies.allows('Stack-FnRole', 'dynamodb:query', `${arn('Orders')}/index/byCustomer`)).toBe(true);
    expect(policies.allows('Stack-FnRole', 'dynamodb:GetItem', arn('Orders'))).toBe(true);
    expect(policies.allows('Stack-FnRole', 'dynamodb:PutItem', arn('Orders'))).toBe(true);
  });

  it('an explicit Deny wins over any Allow; a role with no statement allows nothing', () => {
    expect(policies.allows('Stack-FnRole', 'dynamodb:GetItem', arn('Audit'))).toBe(false);
    expect(policies.allows('Stack-FnRole', 'dynamodb:GetItem', arn('Anything'))).toBe(true);
    expect(policies.has('Stack-OtherRole')).toBe(true);
    expect(policies.allows('Stack-OtherRole', 'dynamodb:GetItem', arn('Keys'))).toBe(false);
    expect(policies.allows('Stack-Unknown', 'dynamodb:GetItem', arn('Keys'))).toBe(false);
  });

  it('a role’s access key (letters and digits only, as DynamoDB Local requires) names it; any other key names no role', () => {
    const key = roleAccessKey('Stack-FnRole');
    expect(key).toMatch(/^[A-Z0-9]+$/);
    const header = `AWS4-HMAC-SHA256 Credential=${key}/20261207/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc`;
    expect(policies.roleOf(accessKeyOf(header) ?? '')).toBe('Stack-FnRole');
    expect(policies.roleOf(accessKeyOf('AWS4-HMAC-SHA256 Credential=local/20261207/us-east-1/dynamodb/aws4_request') ?? '')).toBeUndefined();
    expect(accessKeyOf('')).toBeUndefined();
  });

  it('refuses what it cannot evaluate faithfully (NotAction, NotResource)', () => {
    expect(
      () =>
        new RolePolicies(
          namesOf({ R: { type: 'AWS::IAM::Role', properties: { Policies: [{ PolicyDocument: { Statement: [{ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }] } }] } } }),
        ),
    ).toThrow(/NotAction/);
  });
});
