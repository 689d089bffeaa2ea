/**
 * The deployability check the README test runs on `npx cdk synth` output (tests/support/
 * deployable-assembly.ts) finds each kind of defect it is for, planted in a small assembly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { checkDeployableAssembly } from '../../support/deployable-assembly.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const HASH = 'a'.repeat(64);

/** Template JSON, loosely typed: the defects are planted by hand. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test fixtures edited freely
type Json = Record<string, any>;
interface Parts {
  root: Json;
  nested: Json;
  assets: Json;
  dir: string;
}

/** A one-stack assembly with one nested stack and one function; `change` plants a defect. */
function assembly(change: (parts: Parts) => void = () => {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assembly-'));
  dirs.push(dir);
  const root = {
    Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' } },
    Resources: {
      Key: { Type: 'AWS::KMS::Key' },
      Child: {
        Type: 'AWS::CloudFormation::Stack',
        Metadata: { 'aws:asset:path': 'child.nested.template.json' },
        Properties: { Parameters: { KeyArn: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
      },
    },
  };
  const nested = {
    Parameters: { KeyArn: { Type: 'String' } },
    Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Key: `${HASH}.zip` }, Environment: { Variables: { KEY: { Ref: 'KeyArn' } } } } } },
  };
  const assets = { files: { [HASH]: { source: { path: `asset.${HASH}`, packaging: 'zip' } }, child: { source: { path: 'child.nested.template.json', packaging: 'file' } } } };
  fs.mkdirSync(path.join(dir, `asset.${HASH}`));
  fs.writeFileSync(path.join(dir, `asset.${HASH}`, 'index.mjs'), 'export const handler = () => {};');
  change({ root, nested, assets, dir });
  fs.writeFileSync(path.join(dir, 'Stack.template.json'), JSON.stringify(root));
  fs.writeFileSync(path.join(dir, 'child.nested.template.json'), JSON.stringify(nested));
  fs.writeFileSync(path.join(dir, 'Stack.assets.json'), JSON.stringify(assets));
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      artifacts: {
        'Stack.assets': { type: 'cdk:asset-manifest', properties: { file: 'Stack.assets.json' } },
        Stack: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Stack.template.json' } },
      },
    }),
  );
  return dir;
}

it('passes a complete assembly', () => {
  expect(checkDeployableAssembly(assembly()).problems).toEqual([]);
});

it.each([
  ['a missing bundle', ({ dir }: Parts): void => fs.rmSync(path.join(dir, `asset.${HASH}`), { recursive: true }), /is missing from the assembly/],
  ['a Ref to nothing', ({ nested }: Parts): void => void (nested.Resources.Fn.Properties.Environment.Variables.OTHER = { Ref: 'Nowhere' }), /refers to Nowhere/],
  ['a nested parameter its parent does not pass', ({ nested }: Parts): void => void (nested.Parameters.Stage = { Type: 'String' }), /parameter Stage has no value/],
  ['a top-level parameter without a default', ({ root }: Parts): void => void (root.Parameters.Secret = { Type: 'String' }), /needs a default/],
  ['a function whose code is not an asset', ({ nested }: Parts): void => void (nested.Resources.Fn.Properties.Code.S3Key = `${'b'.repeat(64)}.zip`), /is not an asset/],
  [
    'more than 500 resources',
    ({ nested }: Parts): void => {
      for (let i = 0; i < 500; i++) nested.Resources[`Q${i}`] = { Type: 'AWS::SQS::Queue' };
    },
    /501 resources, above 500/,
  ],
  ['an undefined condition', ({ root }: Parts): void => void (root.Resources.Key.Condition = 'IsProd'), /condition IsProd/],
] as Array<[string, (parts: Parts) => void, RegExp]>)('finds %s', (_name, plant, message) => {
  const { problems } = checkDeployableAssembly(assembly(plant));
  expect(problems.join('\n')).toMatch(message);
});
