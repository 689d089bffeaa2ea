/**
 * The orders table's indexes. The order item is rewritten whole at every status change and every
 * index holding it is rewritten with it, billed per started KB: the customer index copies only an
 * order's summary (`byCustomerSummary`, projection INCLUDE), where `byCustomer` copied every
 * attribute. CloudFormation adds or removes one index per deployment, so an existing stack upgrades
 * in two deployments, the first with the context `keepLegacyOrdersIndex=true`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/create-app.ts';
import { flattenNestedStacks } from '../../infra/local/nested-stacks.ts';
import type { StackTemplate } from '../../infra/local/template.ts';
import { LEGACY_ORDER_INDEX, ORDER_INDEXES, ORDER_SUMMARY_ATTRIBUTES } from '../../functions/checkout/orders-repository.ts';
import { grantsByFunction } from './grants.ts';
import { synth, type Synthesized } from './synth.ts';

interface Gsi {
  IndexName: string;
  KeySchema: unknown;
  Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
}

const indexesOf = (json: Synthesized['json']) => (json.Resources.OrdersTable?.Properties as { GlobalSecondaryIndexes: Gsi[] }).GlobalSecondaryIndexes;
const byCustomerKeys = [
  { AttributeName: 'gsi1pk', KeyType: 'HASH' },
  { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
];

let prod: Synthesized;
beforeAll(() => {
  prod = synth('prod');
});

describe('the orders table indexes', () => {
  it('the customer index copies an order summary only; the index it replaced is gone', () => {
    const indexes = indexesOf(prod.json);
    expect(indexes.find((i) => i.IndexName === ORDER_INDEXES.byCustomer)).toEqual({
      IndexName: 'byCustomerSummary',
      KeySchema: byCustomerKeys,
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...ORDER_SUMMARY_ATTRIBUTES] },
    });
    expect(indexes.map((i) => i.IndexName)).not.toContain(LEGACY_ORDER_INDEX);
  });

  it('with keepLegacyOrdersIndex=true (the first deployment of an upgrade) the old index stays beside it: one index added, none removed', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-legacy-index-'));
    try {
      const { app, stack } = createApp({ stage: 'prod', outdir, checks: false, context: { 'aws:cdk:bundling-stacks': [], keepLegacyOrdersIndex: 'true' } });
      const assembly = app.synth();
      const parent = assembly.getStackByName(stack.stackName);
      const merged = flattenNestedStacks(
        { ...(parent.template as Omit<StackTemplate, 'stackName' | 'templateFile'>), stackName: stack.stackName, templateFile: parent.templateFile },
        assembly.directory,
      );
      const legacy = indexesOf({ Resources: merged.Resources } as Synthesized['json']);
      const names = (list: Gsi[]) => list.map((i) => i.IndexName).sort();
      expect(names(legacy)).toEqual([...names(indexesOf(prod.json)), LEGACY_ORDER_INDEX].sort());
      expect(legacy.find((i) => i.IndexName === LEGACY_ORDER_INDEX)).toEqual({ IndexName: 'byCustomer', KeySchema: byCustomerKeys, Projection: { ProjectionType: 'ALL' } });
      // Until DynamoDB has filled the new index its readers fall back to the old one, so they may query both.
      const grants = grantsByFunction({ Resources: merged.Resources } as Synthesized['json']);
      const readers = ['ListOrdersFunction', 'ServeMyPrivacyFunction', 'DeleteMeFunction'];
      for (const fn of readers) {
        expect(grants[fn], fn).toEqual(expect.arrayContaining(['dynamodb:Query → OrdersTable/index/byCustomerSummary', 'dynamodb:Query → OrdersTable/index/byCustomer']));
      }
      const steady = grantsByFunction(prod.json);
      for (const fn of readers) expect(steady[fn], fn).not.toContain('dynamodb:Query → OrdersTable/index/byCustomer');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
