/**
 * The local cloud's IAM check for DynamoDB (infra/local/iam.ts): which permissions a request needs,
 * as DynamoDB authorises them, and how a role's identity policies answer.
 */
import { describe, expect, it } from 'vitest';
import { accessKeyOf, dynamoDbPermissions, roleAccessKey, RolePolicies, type TableLookup } from '../../../infra/local/iam.ts';
import type { ResourceNames } from '../../../infra/local/template.ts';

const arn = (table: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${table}`;
/** Tables keyed by `pk`; the `byCustomer` index by `gsi1pk`. */
const tables: TableLookup = { arn: (t) => (t.startsWith('arn:') ? t : arn(t)), partitionKey: (_t, index) => (index === 'byCustomer' ? 'gsi1pk' : 'pk') };
const S = (value: string) => ({ S: value });

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

const policy = (statements: unknown[]) => namesOf({ R: { type: 'AWS::IAM::Role', properties: { Policies: [{ PolicyDocument: { Statement: statements } }] } } });

describe('what a DynamoDB request needs (infra/local/iam.ts)', () => {
  it('an item operation: its own action on the table, with the item’s partition key; a query: on its index, with the key it names; a scan: no key', () => {
    expect(dynamoDbPermissions('GetItem', { TableName: 'Orders', Key: { pk: S('ORDER#1'), sk: S('ORDER') } }, tables)).toEqual([
      { action: 'dynamodb:GetItem', resource: arn('Orders'), leadingKeys: ['ORDER#1'] },
    ]);
    expect(dynamoDbPermissions('PutItem', { TableName: 'Orders', Item: { pk: S('ORDER#2') } }, tables)).toEqual([
      { action: 'dynamodb:PutItem', resource: arn('Orders'), leadingKeys: ['ORDER#2'] },
    ]);
    expect(
      dynamoDbPermissions(
        'Query',
        {
          TableName: 'Orders',
          IndexName: 'byCustomer',
          KeyConditionExpression: '#k = :c AND begins_with(gsi1sk, :p)',
          ExpressionAttributeNames: { '#k': 'gsi1pk' },
          ExpressionAttributeValues: { ':c': S('CUSTOMER#7'), ':p': S('2026') },
        },
        tables,
      ),
    ).toEqual([{ action: 'dynamodb:Query', resource: `${arn('Orders')}/index/byCustomer`, leadingKeys: ['CUSTOMER#7'] }]);
    expect(dynamoDbPermissions('Scan', { TableName: 'Orders' }, tables)).toEqual([{ action: 'dynamodb:Scan', resource: arn('Orders'), leadingKeys: [] }]);
  });

  it('a batch: its action on each of its tables with every item’s key; a transaction: each item’s own action on its table', () => {
    expect(dynamoDbPermissions('BatchGetItem', { RequestItems: { Orders: { Keys: [{ pk: S('A') }, { pk: S('B') }] }, Payments: { Keys: [{ pk: S('C') }] } } }, tables)).toEqual([
      { action: 'dynamodb:BatchGetItem', resource: arn('Orders'), leadingKeys: ['A', 'B'] },
      { action: 'dynamodb:BatchGetItem', resource: arn('Payments'), leadingKeys: ['C'] },
    ]);
    expect(
      dynamoDbPermissions('BatchWriteItem', { RequestItems: { Orders: [{ PutRequest: { Item: { pk: S('A') } } }, { DeleteRequest: { Key: { pk: S('B') } } }] } }, tables),
    ).toEqual([{ action: 'dynamodb:BatchWriteItem', resource: arn('Orders'), leadingKeys: ['A', 'B'] }]);
    const transaction = {
      TransactItems: [
        { Put: { TableName: 'Orders', Item: { pk: S('O') } } },
        { Update: { TableName: 'Catalog', Key: { pk: S('P') } } },
        { Delete: { TableName: 'Orders', Key: { pk: S('X') } } },
        { ConditionCheck: { TableName: 'Catalog', Key: { pk: S('Q') } } },
      ],
    };
    expect(dynamoDbPermissions('TransactWriteItems', transaction, tables)).toEqual([
      { action: 'dynamodb:PutItem', resource: arn('Orders'), leadingKeys: ['O'] },
      { action: 'dynamodb:UpdateItem', resource: arn('Catalog'), leadingKeys: ['P'] },
      { action: 'dynamodb:DeleteItem', resource: arn('Orders'), leadingKeys: ['X'] },
      { action: 'dynamodb:ConditionCheckItem', resource: arn('Catalog'), leadingKeys: ['Q'] },
    ]);
    expect(dynamoDbPermissions('TransactGetItems', { TransactItems: [{ Get: { TableName: 'Orders', Key: { pk: S('O') } } }] }, tables)).toEqual([
      { action: 'dynamodb:GetItem', resource: arn('Orders'), leadingKeys: ['O'] },
    ]);
  });

  it('what it cannot read it leaves to DynamoDB: no table, a body that is not an object, malformed items; a table named by its ARN is that table', () => {
    expect(dynamoDbPermissions('GetItem', {}, tables)).toEqual([]);
    expect(dynamoDbPermissions('GetItem', null, tables)).toEqual([]);
    expect(dynamoDbPermissions('TransactWriteItems', { TransactItems: [null, 3, { Put: null }] }, tables)).toEqual([]);
    expect(dynamoDbPermissions('Query', { TableName: 'Orders', KeyConditionExpression: 'weird' }, tables)).toEqual([{ action: 'dynamodb:Query', resource: arn('Orders') }]);
    expect(dynamoDbPermissions('GetItem', { TableName: arn('Orders'), Key: { pk: S('A') } }, tables)).toEqual([
      { action: 'dynamodb:GetItem', resource: arn('Orders'), leadingKeys: ['A'] },
    ]);
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
              { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: arn('Audit'), Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['CHAIN'] } } },
              { Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: arn('Analytics'), Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DAY#*'] } } },
              { Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:entity': 'order' } } },
              { Effect: 'Deny', Action: 'dynamodb:*', Resource: arn('Secrets') },
              { Effect: 'Allow', Action: 'dynamodb:*', Resource: arn('Anything') },
            ],
          },
        },
      },
      OtherRole: { type: 'AWS::IAM::Role', properties: {} },
    }),
  );
  const allows = (action: string, resource: string, leadingKeys?: string[]) => policies.allows('Stack-FnRole', { action, resource, ...(leadingKeys ? { leadingKeys } : {}) });

  it('allows what a statement names — wildcards in actions (any case) and resources', () => {
    expect(allows('dynamodb:GetItem', arn('Keys'))).toBe(true);
    expect(allows('dynamodb:query', `${arn('Orders')}/index/byCustomer`)).toBe(true);
    expect(allows('dynamodb:GetItem', arn('Orders'))).toBe(true);
    expect(allows('dynamodb:PutItem', arn('Orders'))).toBe(false);
  });

  it('dynamodb:LeadingKeys: every partition key of the request must match (exactly, or as a pattern); unknown keys do not satisfy it; none (a scan) does', () => {
    expect(allows('dynamodb:PutItem', arn('Audit'), ['CHAIN'])).toBe(true);
    expect(allows('dynamodb:PutItem', arn('Audit'), ['CHAIN', 'OTHER'])).toBe(false);
    expect(allows('dynamodb:PutItem', arn('Audit'), ['CHAINS'])).toBe(false);
    expect(allows('dynamodb:PutItem', arn('Audit'))).toBe(false);
    expect(allows('dynamodb:UpdateItem', arn('Analytics'), ['DAY#2026-12-07', 'DAY#2026-12-08'])).toBe(true);
    expect(allows('dynamodb:UpdateItem', arn('Analytics'), ['CUSTOMER#1'])).toBe(false);
    expect(allows('dynamodb:UpdateItem', arn('Analytics'), [])).toBe(true);
  });

  it('an explicit Deny wins over any Allow; a role with no statement allows nothing', () => {
    expect(allows('dynamodb:GetItem', arn('Secrets'))).toBe(false);
    expect(allows('dynamodb:GetItem', arn('Anything'))).toBe(true);
    expect(policies.allows('Stack-OtherRole', { action: 'dynamodb:GetItem', resource: arn('Keys') })).toBe(false);
    expect(policies.allows('Stack-Unknown', { action: 'dynamodb:GetItem', resource: arn('Keys') })).toBe(false);
  });

  it('a role’s access key (letters and digits only, as DynamoDB Local requires) names it; any other key names no role', () => {
    const key = roleAccessKey('Stack-FnRole');
    expect(key).toMatch(/^[A-Z0-9]+$/);
    const header = `AWS4-HMAC-SHA256 Credential=${key}/20261207/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc`;
    expect(policies.roleOf(accessKeyOf(header) ?? '')).toBe('Stack-FnRole');
    expect(policies.roleOf(accessKeyOf('AWS4-HMAC-SHA256 Credential=local/20261207/us-east-1/dynamodb/aws4_request') ?? '')).toBeUndefined();
    expect(accessKeyOf('')).toBeUndefined();
  });

  it('refuses, when the template is read, what it cannot evaluate faithfully', () => {
    expect(() => new RolePolicies(policy([{ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }]))).toThrow(/NotAction/);
    expect(() => new RolePolicies(policy([{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*', Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } }]))).toThrow(
      /aws:SourceVpc/,
    );
    expect(
      () =>
        new RolePolicies(policy([{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': ['A'] } } }])),
    ).toThrow(/ForAnyValue/);
    expect(
      () => new RolePolicies(policy([{ Effect: 'Deny', Action: 'dynamodb:*', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['A'] } } }])),
    ).toThrow(/conditional Deny/);
  });
});
