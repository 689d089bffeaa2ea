/**
 * Template Conditions in the local cloud (infra/local/conditions.ts): decided as CloudFormation
 * decides them in the local region, so an assembly from `npx cdk synth` (whose stacks all carry the
 * CLI's CDKMetadataAvailable condition) runs locally, and a prod-like template with conditions too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyConditions } from '../../../infra/local/conditions.ts';
import { flattenNestedStacks } from '../../../infra/local/nested-stacks.ts';
import { UnsupportedTemplateError } from '../../../infra/local/template-model.ts';

const scope = { stackName: 'Test', parameters: {} };

/** The condition the CDK CLI adds to every stack (abridged region list, same shape). */
const cdkMetadataAvailable = {
  'Fn::Or': [
    { 'Fn::Or': [{ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'af-south-1'] }, { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] }] },
    { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] },
  ],
};

describe('applyConditions', () => {
  it('keeps the CDK CLI metadata resource in the local region (us-east-1) and leaves no Conditions', () => {
    const out = applyConditions(
      {
        Conditions: { CDKMetadataAvailable: cdkMetadataAvailable },
        Resources: { CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:…' }, Condition: 'CDKMetadataAvailable' } },
      },
      scope,
    );
    expect(out).toEqual({ Resources: { CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:…' } } } });
  });

  it('removes a resource whose condition is false, and DependsOn on it', () => {
    const out = applyConditions(
      {
        Conditions: { InChina: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'cn-north-1'] }, NotInChina: { 'Fn::Not': [{ Condition: 'InChina' }] } },
        Resources: {
          Only: { Type: 'AWS::SQS::Queue', Condition: 'InChina' },
          Other: { Type: 'AWS::SQS::Queue', Condition: 'NotInChina', DependsOn: ['Only'] },
        },
      },
      scope,
    );
    expect(out.Resources).toEqual({ Other: { Type: 'AWS::SQS::Queue', DependsOn: undefined } });
  });

  it('chooses the branch of Fn::If and drops a property set to AWS::NoValue', () => {
    const out = applyConditions(
      {
        Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] }, Both: { 'Fn::And': [{ Condition: 'IsProd' }, { 'Fn::Equals': ['a', 'a'] }] } },
        Resources: {
          Table: {
            Type: 'AWS::DynamoDB::Table',
            Properties: {
              TableName: { 'Fn::If': ['IsProd', 'orders', 'orders-dev'] },
              DeletionProtectionEnabled: { 'Fn::If': ['Both', true, { Ref: 'AWS::NoValue' }] },
              Tags: [{ 'Fn::If': ['IsProd', { Ref: 'AWS::NoValue' }, { Key: 'stage', Value: 'dev' }] }],
            },
          },
        },
        Outputs: { ProdOnly: { Value: 'x', Condition: 'IsProd' }, Always: { Value: { 'Fn::If': ['IsProd', 'p', 'd'] } } },
      },
      { stackName: 'Nested', parameters: { Stage: 'dev' } },
    );
    expect(out.Resources).toEqual({ Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'orders-dev', Tags: [{ Key: 'stage', Value: 'dev' }] } } });
    expect(out.Outputs).toEqual({ Always: { Value: 'd' } });
  });

  it('stops with a message naming a condition that depends on a value known only after deployment', () => {
    const template = { Conditions: { HasArn: { 'Fn::Equals': [{ Ref: 'QueueArn' }, ''] } }, Resources: { Q: { Type: 'AWS::SQS::Queue', Condition: 'HasArn' } } };
    expect(() => applyConditions(template, { stackName: 'Nested', parameters: { QueueArn: { 'Fn::GetAtt': ['Queue', 'Arn'] } } })).toThrow(UnsupportedTemplateError);
    expect(() => applyConditions(template, { stackName: 'Nested', parameters: { QueueArn: { 'Fn::GetAtt': ['Queue', 'Arn'] } } })).toThrow(
      /condition HasArn compares parameter QueueArn/,
    );
    expect(() => applyConditions({ Resources: { Q: { Type: 'AWS::SQS::Queue', Condition: 'Missing' } } }, scope)).toThrow(/condition Missing is not defined/);
  });
});

describe('nested stacks with conditions', () => {
  it('decides each nested template with the parameters its parent passes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conditions-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'child.nested.template.json'),
        JSON.stringify({
          Parameters: { Stage: { Type: 'String' }, QueueArn: { Type: 'String' } },
          Conditions: { CDKMetadataAvailable: cdkMetadataAvailable, IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
          Resources: {
            CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2' }, Condition: 'CDKMetadataAvailable' },
            ProdAlarmQueue: { Type: 'AWS::SQS::Queue', Condition: 'IsProd' },
            Work: { Type: 'AWS::SQS::Queue', Properties: { RedrivePolicy: { deadLetterTargetArn: { Ref: 'QueueArn' } } } },
          },
        }),
      );
      const merged = flattenNestedStacks(
        {
          stackName: 'Parent',
          templateFile: path.join(dir, 'parent.template.json'),
          Conditions: { CDKMetadataAvailable: cdkMetadataAvailable },
          Resources: {
            Dlq: { Type: 'AWS::SQS::Queue' },
            Child: {
              Type: 'AWS::CloudFormation::Stack',
              Metadata: { 'aws:asset:path': 'child.nested.template.json' },
              Properties: { Parameters: { Stage: 'dev', QueueArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } },
            },
            CDKMetadata: { Type: 'AWS::CDK::Metadata', Condition: 'CDKMetadataAvailable' },
          },
        },
        dir,
      );
      expect(merged.Conditions).toBeUndefined();
      expect(Object.keys(merged.Resources).sort()).toEqual(['CDKMetadata', 'ChildCDKMetadata', 'Dlq', 'Work']);
      expect(merged.Resources.Work?.Properties).toEqual({ RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } });
      expect(Object.values(merged.Resources).some((r) => r.Condition)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
