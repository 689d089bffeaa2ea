/**
 * The staff console's AWS hosting in the local cloud's template check (infra/local/template.ts,
 * KPI-3): CloudFront, the hosted-UI domain and the BucketDeployment are accepted by type as served
 * differently locally; the deployment's Python provider is a deploy-time provider (never started),
 * found through the custom resource's ServiceToken — any other Python function, or a provider of
 * an unknown custom resource type, is still refused.
 */
import { describe, expect, it } from 'vitest';
import { assertSupported, deployTimeProviders, UnsupportedTemplateError, type StackTemplate } from '../../../infra/local/template.ts';

const provider = {
  Type: 'AWS::Lambda::Function',
  Properties: {
    Code: { S3Bucket: 'assets', S3Key: 'handler.zip' },
    Handler: 'index.handler',
    Runtime: 'python3.13',
    Layers: [{ Ref: 'AwsCliLayer' }],
    Role: { 'Fn::GetAtt': ['DeploymentRole', 'Arn'] },
    Timeout: 900,
    MemorySize: 512,
  },
};

function template(resources: StackTemplate['Resources']): StackTemplate {
  return {
    stackName: 'Commerce-dev',
    templateFile: 'Commerce-dev.template.json',
    Resources: {
      Distribution: { Type: 'AWS::CloudFront::Distribution', Properties: { DistributionConfig: { Enabled: true }, Tags: [] } },
      Rewrite: {
        Type: 'AWS::CloudFront::Function',
        Properties: { Name: 'rewrite', AutoPublish: true, FunctionCode: 'function handler(e) { return e.request; }', FunctionConfig: {} },
      },
      Headers: { Type: 'AWS::CloudFront::ResponseHeadersPolicy', Properties: { ResponseHeadersPolicyConfig: {} } },
      Oac: { Type: 'AWS::CloudFront::OriginAccessControl', Properties: { OriginAccessControlConfig: {} } },
      StaffDomain: { Type: 'AWS::Cognito::UserPoolDomain', Properties: { Domain: 'commerce-dev-000000000000', UserPoolId: 'pool' } },
      AwsCliLayer: { Type: 'AWS::Lambda::LayerVersion', Properties: { Content: { S3Bucket: 'assets', S3Key: 'layer.zip' }, Description: 'AWS CLI' } },
      DeploymentRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
      ...resources,
    },
  };
}

describe('KPI-3: the console hosting resources in the local cloud', () => {
  it('accepts CloudFront, the hosted-UI domain, the BucketDeployment and its Python provider (a deploy-time provider, not started)', () => {
    const stack = template({
      Provider: provider,
      Deployment: {
        Type: 'Custom::CDKBucketDeployment',
        Properties: {
          ServiceToken: { 'Fn::GetAtt': ['Provider', 'Arn'] },
          SourceBucketNames: ['assets'],
          SourceObjectKeys: ['site.zip'],
          DestinationBucketKeyPrefix: 'console/',
          Prune: true,
        },
      },
    });
    expect(() => assertSupported(stack)).not.toThrow();
    expect([...deployTimeProviders(stack)]).toEqual(['Provider']);
  });

  it('refuses a Python function nothing known provides for, and a custom resource type it does not know', () => {
    const stack = template({
      Provider: provider,
      Other: { Type: 'Custom::SomethingElse', Properties: { ServiceToken: { 'Fn::GetAtt': ['Provider', 'Arn'] } } },
    });
    expect(deployTimeProviders(stack).size).toBe(0);
    expect(() => assertSupported(stack)).toThrow(UnsupportedTemplateError);
    expect(() => assertSupported(stack)).toThrow('resource type Custom::SomethingElse (Other) is not supported');
    expect(() => assertSupported(stack)).toThrow('property Layers of AWS::Lambda::Function (Provider) is not supported');
  });
});
