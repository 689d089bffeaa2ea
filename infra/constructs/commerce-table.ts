/**
 * A DynamoDB table with the house defaults: on-demand, point-in-time recovery, encryption at rest,
 * TTL where a capability uses it, and RETAIN + deletion protection outside dev. It remembers its
 * GSI names so grants can name index ARNs exactly (no `index/*`).
 */
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { StageSettings } from '../stage.ts';
import type { ServiceFunction } from './service-function.ts';

const S = AttributeType.STRING;

/** A global secondary index: name and key attribute names (strings). */
export interface IndexSpec {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /**
   * The attributes the index copies besides the keys (projection INCLUDE); default every attribute
   * (ALL). An index's copy of an item is written, and billed per started KB, at every write of it.
   */
  readonly include?: readonly string[];
}

export interface CommerceTableProps {
  readonly stage: StageSettings;
  /** Default `pk`. */
  readonly partitionKey?: string;
  /** Default `sk`; `null` for a table without a sort key. */
  readonly sortKey?: string | null;
  readonly indexes?: readonly IndexSpec[];
  /** The TTL attribute (epoch seconds), if items expire. */
  readonly timeToLiveAttribute?: string;
  /**
   * Point-in-time recovery; default on. Off only for a table whose restored copy would do harm:
   * the customer keyring (a restored key would resurrect erased personal data, SEC-3).
   */
  readonly pointInTimeRecovery?: boolean;
}

/** What a function may do with a table. */
export type TableAccess = 'read' | 'write' | 'readWrite' | 'scan';

const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'];

/** See the module documentation. */
export class CommerceTable extends Construct {
  readonly table: Table;
  readonly indexNames: readonly string[];
  /** The variable that tells a function this table's name: `OrdersTable` → `ORDERS_TABLE_NAME`. */
  readonly environmentVariable: string;

  constructor(scope: Construct, id: string, props: CommerceTableProps) {
    super(scope, id);
    this.environmentVariable = `${id
      .replace(/Table$/, '')
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toUpperCase()}_TABLE_NAME`;
    const key = (name: string): Attribute => ({ name, type: S });
    const sortKey = props.sortKey === null ? undefined : key(props.sortKey ?? 'sk');
    this.table = new Table(this, 'Table', {
      partitionKey: key(props.partitionKey ?? 'pk'),
      ...(sortKey ? { sortKey } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: props.stage.removalPolicy,
      deletionProtection: props.stage.deletionProtection,
      ...(props.timeToLiveAttribute ? { timeToLiveAttribute: props.timeToLiveAttribute } : {}),
    });
    for (const index of props.indexes ?? []) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        ...(index.sortKey ? { sortKey: key(index.sortKey) } : {}),
        ...(index.include ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.include] } : { projectionType: ProjectionType.ALL }),
      });
    }
    this.indexNames = (props.indexes ?? []).map((index) => index.name);
  }

  get tableName(): string {
    return this.table.tableName;
  }

  /**
   * Grants `fn` exactly the actions `access` needs — item actions on the table, and (for reads)
   * Query, the only read an index serves, on each index by name — and tells it the table's name
   * ({@link environmentVariable}): one call, so a grant never comes without its variable.
   */
  grant(fn: ServiceFunction, access: TableAccess): void {
    const actions = access === 'read' ? READ : access === 'write' ? WRITE : access === 'scan' ? [...READ, 'dynamodb:Scan'] : [...new Set([...READ, ...WRITE])];
    this.grantActions(fn, actions);
    if (access !== 'write' && this.indexNames.length > 0) {
      fn.allow(
        access === 'scan' ? ['dynamodb:Query', 'dynamodb:Scan'] : ['dynamodb:Query'],
        this.indexNames.map((name) => `${this.table.tableArn}/index/${name}`),
      );
    }
  }

  /** Grants `fn` only these item actions on the table (e.g. GetItem of one item), with the table's name. */
  grantActions(fn: ServiceFunction, actions: readonly string[]): void {
    fn.allow(actions, [this.table.tableArn]);
    fn.addEnvironment(this.environmentVariable, this.tableName);
  }
}
