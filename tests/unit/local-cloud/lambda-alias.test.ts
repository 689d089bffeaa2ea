/**
 * The `live` alias in the local cloud (OPS-1): every caller of a deployed function invokes its alias
 * (API integrations, event source mappings, schedules); locally one version of each function runs,
 * so the alias, its version and CodeDeploy's deployment group are accepted and resolve to the function.
 */
import { describe, expect, it } from 'vitest';
import { unqualified } from '../../../infra/local/lambda-runtime.ts';
import { assertSupported, ResourceNames, type StackTemplate } from '../../../infra/local/template.ts';

const stack: StackTemplate = {
  stackName: 'Commerce-Dev',
  templateFile: 'Commerce-Dev.template.json',
  Resources: {
    PlaceOrderFunction: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler', Runtime: 'nodejs22.x', Code: { ZipFile: 'x' } } },
    PlaceOrderFunctionCurrentVersion1A2B: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'PlaceOrderFunction' } } },
    PlaceOrderFunctionLive: {
      Type: 'AWS::Lambda::Alias',
      Properties: {
        FunctionName: { Ref: 'PlaceOrderFunction' },
        FunctionVersion: { 'Fn::GetAtt': ['PlaceOrderFunctionCurrentVersion1A2B', 'Version'] },
        Name: 'live',
        Description: 'what callers invoke',
      },
    },
    Application: { Type: 'AWS::CodeDeploy::Application', Properties: { ComputePlatform: 'Lambda', Tags: [] } },
    PlaceOrderFunctionDeployment: {
      Type: 'AWS::CodeDeploy::DeploymentGroup',
      Properties: {
        ApplicationName: { Ref: 'Application' },
        DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        AlarmConfiguration: { Enabled: true, Alarms: [] },
        AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_STOP_ON_ALARM'] },
        DeploymentStyle: { DeploymentOption: 'WITH_TRAFFIC_CONTROL', DeploymentType: 'BLUE_GREEN' },
        ServiceRoleArn: 'arn:aws:iam::000000000000:role/codedeploy',
      },
    },
  },
};

const names = new ResourceNames(stack, { api: 'http://127.0.0.1:1', aws: 'http://127.0.0.1:2', dynamodb: 'http://127.0.0.1:3' });

describe('the live alias in the local cloud (OPS-1)', () => {
  it('OPS-1: aliases, versions and CodeDeploy deployment groups are accepted', () => {
    expect(() => assertSupported(stack)).not.toThrow();
  });

  it("OPS-1: the alias resolves to the function's ARN qualified with `live`, as an event source mapping names it (`<function>:live`)", () => {
    const fnArn = names.getAtt('PlaceOrderFunction', 'Arn');
    expect(names.ref('PlaceOrderFunctionLive')).toBe(`${fnArn}:live`);
    // CDK's alias.functionName, as an event source mapping's FunctionName:
    const esmFunctionName = { 'Fn::Join': ['', [{ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: 'PlaceOrderFunctionLive' }] }] }, ':live']] };
    expect(names.resolve(esmFunctionName)).toBe('Commerce-Dev-PlaceOrderFunction:live');
    // An EventInvokeConfig's Qualifier:
    expect(names.resolve({ 'Fn::Select': [7, { 'Fn::Split': [':', { Ref: 'PlaceOrderFunctionLive' }] }] })).toBe('live');
    expect(names.logicalIdOf(`${fnArn}:live`)).toBe('PlaceOrderFunctionLive');
  });

  it('OPS-1: a qualified name or ARN finds the one local version of the function', () => {
    expect(unqualified('Commerce-Dev-PlaceOrderFunction:live')).toBe('Commerce-Dev-PlaceOrderFunction');
    expect(unqualified('arn:aws:lambda:us-east-1:000000000000:function:Commerce-Dev-PlaceOrderFunction:live')).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:Commerce-Dev-PlaceOrderFunction',
    );
    expect(unqualified('arn:aws:lambda:us-east-1:000000000000:function:Commerce-Dev-PlaceOrderFunction:$LATEST')).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:Commerce-Dev-PlaceOrderFunction',
    );
    expect(unqualified('arn:aws:lambda:us-east-1:000000000000:function:Commerce-Dev-PlaceOrderFunction')).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:Commerce-Dev-PlaceOrderFunction',
    );
    expect(unqualified('Commerce-Dev-PlaceOrderFunction')).toBe('Commerce-Dev-PlaceOrderFunction');
  });
});
