/**
 * The template side of the local S3 (infra/local/template.ts, readBuckets in cloud.ts): an Object
 * Lock bucket, its policy, an alarm and its SNS topic are accepted; the bucket's Ref, Arn and domain
 * names and the topic's ARN resolve to local values; versioning and the default retention are read.
 */
import { describe, expect, it } from 'vitest';
import { readBuckets } from '../../../infra/local/cloud.ts';
import { assertSupported, ResourceNames, type StackTemplate } from '../../../infra/local/template.ts';

const stack: StackTemplate = {
  stackName: 'Commerce-Dev',
  templateFile: 'Commerce-Dev.template.json',
  Resources: {
    AuditAnchors1A2B3C4D: {
      Type: 'AWS::S3::Bucket',
      Properties: {
        ObjectLockEnabled: true,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 1 } } },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      },
    },
    AuditAnchorsPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: 'AuditAnchors1A2B3C4D' },
        PolicyDocument: {
          Statement: [
            { Effect: 'Deny', Action: 's3:DeleteObject*', Principal: { AWS: '*' }, Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['AuditAnchors1A2B3C4D', 'Arn'] }, '/*']] } },
          ],
        },
      },
    },
    Plain: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'plain-bucket' } },
    AlarmTopic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'alarms' } },
    AlarmTopicPolicy: { Type: 'AWS::SNS::TopicPolicy', Properties: { PolicyDocument: {}, Topics: [{ Ref: 'AlarmTopic' }] } },
    ChainBreaks: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: 'AuditChainBreaks',
        MetricName: 'ChainBreaks',
        Namespace: 'Commerce',
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        Dimensions: [],
        AlarmActions: [{ Ref: 'AlarmTopic' }],
        OKActions: [],
        ActionsEnabled: true,
      },
    },
  },
};
const names = new ResourceNames(stack, { api: 'http://127.0.0.1:1', aws: 'http://127.0.0.1:2', dynamodb: 'http://127.0.0.1:3' });

describe('S3 buckets, alarms and topics in the template', () => {
  it('are supported', () => {
    expect(() => assertSupported(stack)).not.toThrow();
  });

  it('an unknown S3 property still stops the start', () => {
    const withWebsite: StackTemplate = { ...stack, Resources: { B: { Type: 'AWS::S3::Bucket', Properties: { WebsiteConfiguration: {} } } } };
    expect(() => assertSupported(withWebsite)).toThrow(/property WebsiteConfiguration of AWS::S3::Bucket \(B\)/);
  });

  it('resolve Ref and Fn::GetAtt to local names and ARNs', () => {
    const bucket = names.ref('AuditAnchors1A2B3C4D');
    expect(bucket).toBe('commerce-dev-auditanchors1a2b3c4d');
    expect(names.ref('Plain')).toBe('plain-bucket');
    expect(names.resolve({ 'Fn::GetAtt': ['AuditAnchors1A2B3C4D', 'Arn'] })).toBe(`arn:aws:s3:::${bucket}`);
    expect(names.getAtt('AuditAnchors1A2B3C4D', 'RegionalDomainName')).toBe(`${bucket}.s3.us-east-1.amazonaws.com`);
    expect(names.getAtt('AuditAnchors1A2B3C4D', 'DomainName')).toBe(`${bucket}.s3.amazonaws.com`);
    expect(names.ref('AlarmTopic')).toBe('arn:aws:sns:us-east-1:000000000000:Commerce-Dev-AlarmTopic');
  });

  it('read versioning and the Object Lock default retention (years as 365 days)', () => {
    expect(readBuckets(names)).toEqual([
      { name: 'commerce-dev-auditanchors1a2b3c4d', versioned: true, defaultRetention: { mode: 'COMPLIANCE', days: 365 } },
      { name: 'plain-bucket', versioned: false },
    ]);
  });
});
