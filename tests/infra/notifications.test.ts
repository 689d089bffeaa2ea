/**
 * ORD-6, AFT-1, AFT-2 in the template: the notification consumer is fed by its rules (every notified
 * event type on its owner's source; OrderStatusChanged only for rejections) through queues with DLQs
 * and partial batch responses; dev sends through the sandbox, prod through SES (its sender's
 * identity only) and SNS (SMS: Publish on "*", the only resource IAM allows, acknowledged); the
 * contact is read through checkout's contact contract only; the NotificationsTable has its
 * customer index.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { findEventDefinition } from '../../events/index.ts';
import { grantsByFunction } from './grants.ts';
import { resourcesOf, synth, type Synthesized } from './synth.ts';
import { fieldKey } from './expected-grants/helpers.ts';

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synth('dev');
  prod = synth('prod');
});

const envOf = (s: Synthesized, fn: string) =>
  ((s.json.Resources[fn]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables ?? {}) as Record<string, unknown>;
const ruleTargeting = (s: Synthesized, queue: string) =>
  resourcesOf(s.json, 'AWS::Events::Rule').find(([, p]) =>
    (p.Targets as Array<{ Arn: unknown }>).some((t) => JSON.stringify(t.Arn) === JSON.stringify({ 'Fn::GetAtt': [queue, 'Arn'] })),
  );

describe('notifications in the template (ORD-6, AFT-1, AFT-2)', () => {
  it('the consumer gets every customer-facing event type from its owner, and OrderStatusChanged only for REJECTED', () => {
    const [, main] = ruleTargeting(dev, 'SendNotificationQueue') ?? [];
    const pattern = main?.EventPattern as { $or: Array<{ source: string[]; 'detail-type': string[] }> };
    const types = pattern.$or.flatMap((b) => b['detail-type'].map((name) => [name, b.source[0]]));
    expect(types.map(([name]) => name).sort()).toEqual([
      'CustomerNotificationRequested',
      'OrderCancelled',
      'OrderDelivered',
      'OrderPlaced',
      'OrderShipped',
      'PaymentRefunded',
      'ReturnStatusChanged',
      'TicketStatusChanged',
    ]);
    for (const [name, source] of types) expect(source, name).toBe(findEventDefinition(name as string)?.source);
    // DeliveryLate is told through fulfillment's CustomerNotificationRequested(delivery-late), not twice
    expect(types.map(([name]) => name)).not.toContain('DeliveryLate');

    const [, rejected] = ruleTargeting(dev, 'NotifyOrderRejectedQueue') ?? [];
    expect(rejected?.EventPattern).toEqual({ source: ['commerce.checkout'], 'detail-type': ['OrderStatusChanged'], detail: { to: ['REJECTED'] } });
  });

  it('both queues have a DLQ after 5 receives and feed the one function (its live alias, OPS-1) with partial batch responses', () => {
    for (const queue of ['SendNotificationQueue', 'NotifyOrderRejectedQueue']) {
      const props = dev.json.Resources[queue]?.Properties as { RedrivePolicy: { deadLetterTargetArn: unknown; maxReceiveCount: number } };
      expect(props.RedrivePolicy, queue).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [queue.replace(/Queue$/, 'Dlq'), 'Arn'] }, maxReceiveCount: 5 });
      const mapping = resourcesOf(dev.json, 'AWS::Lambda::EventSourceMapping').find(
        ([, p]) => JSON.stringify(p.EventSourceArn) === JSON.stringify({ 'Fn::GetAtt': [queue, 'Arn'] }),
      );
      const live = { 'Fn::Join': ['', [{ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: 'SendNotificationFunctionLive' }] }] }, ':live']] };
      expect(mapping?.[1], queue).toMatchObject({ FunctionName: live, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    }
  });

  it('the NotificationsTable lists by customer (newest first by its sort key)', () => {
    const table = dev.json.Resources.NotificationsTable?.Properties as { GlobalSecondaryIndexes: Array<{ IndexName: string; KeySchema: unknown }> };
    expect(table.GlobalSecondaryIndexes.map((i) => [i.IndexName, i.KeySchema])).toEqual([
      [
        'byCustomer',
        [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
      ],
    ]);
  });

  it('dev sends through the sandbox (no SES, no SNS); prod through SES from its verified sender and SNS', () => {
    expect(envOf(dev, 'SendNotificationFunction')).toMatchObject({ NOTIFICATION_PROVIDER: 'sandbox' });
    expect(envOf(dev, 'SendNotificationFunction').NOTIFICATION_SENDER).toBeUndefined();
    expect((grantsByFunction(dev.json).SendNotificationFunction ?? []).filter((g) => /^(ses|sns):/.test(g))).toEqual([]);
    expect(envOf(prod, 'SendNotificationFunction')).toMatchObject({
      NOTIFICATION_PROVIDER: 'aws',
      NOTIFICATION_SENDER: 'no-reply@shop.example.com',
      STOREFRONT_URL: 'https://shop.example.com',
    });
  });

  it('prod grants exactly: records by key (no PutItem: no sandbox), the order item and its data keys, SES on the sender identity, SNS Publish for SMS', () => {
    const grants = grantsByFunction(prod.json).SendNotificationFunction ?? [];
    const specific = grants.filter((g) => !/^(logs|xray):/.test(g) && !g.startsWith('sqs:'));
    expect(specific.sort()).toEqual(
      [
        'dynamodb:GetItem → NotificationsTable',
        'dynamodb:UpdateItem → NotificationsTable',
        'dynamodb:GetItem → OrdersTable',
        'dynamodb:GetItem → PrivacyTable if ForAllValues:StringLike dynamodb:LeadingKeys=CUSTOMER#*',
        ...fieldKey({ decrypt: true, entities: ['order'] }),
        'ses:SendEmail → arn:AWS::Partition:ses:AWS::Region:AWS::AccountId:identity/shop.example.com',
        'sns:Publish → *',
      ].sort(),
    );
  });

  it('the SNS wildcard is acknowledged with its reason (cdk-nag), on this function only', () => {
    const acknowledged = prod.app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => ({ path: c.node.path, data: JSON.stringify(m.data) })))
      .filter((a) => a.data.includes('sns:Publish'));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const a of acknowledged) expect(a.path).toMatch(/SendNotificationFunction/);
    const publishers = Object.entries(grantsByFunction(prod.json)).filter(([, list]) => list.includes('sns:Publish → *'));
    expect(publishers.map(([fn]) => fn)).toEqual(['SendNotificationFunction']);
  });
});
