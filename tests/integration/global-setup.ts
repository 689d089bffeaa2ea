/**
 * Integration tests share ONE in-memory DynamoDB Local per run, with every table of the
 * synthesized app template created under the names the local cloud gives them, and one local KMS
 * (the local cloud's emulator) with a field-encryption key for what the kernel encrypts on its own
 * (stored idempotent responses). Tests isolate themselves by unique ids (ULIDs), never by restarting.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import os from 'node:os';
import fs from 'node:fs';
import type { TestProject } from 'vitest/node';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { synthesize } from '../../infra/local/synth.ts';
import { readAssembly, ResourceNames } from '../../infra/local/template.ts';
import { createTables } from '../../infra/local/cloud.ts';
import { tablesByCapability, type LocalTables } from '../support/tables.ts';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION, startAwsEndpoint } from '../../infra/local/aws-protocol.ts';
import { KmsService } from '../../infra/local/kms.ts';

export default async function setup(project: TestProject) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-int-'));
  const { assemblyDir } = await synthesize({ outdir, bundle: false });
  const [stack] = readAssembly(assemblyDir);
  if (!stack) throw new Error('no stack synthesized');
  const dynamo = await startDynamoDbLocal();
  const names = new ResourceNames(stack, { api: '', aws: '', dynamodb: dynamo.endpoint });
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  await createTables(client, names);
  client.destroy();
  project.provide('dynamodb', { endpoint: dynamo.endpoint, tables: tablesByCapability(names) as LocalTables });
  project.provide('assemblyDir', assemblyDir);
  const keyId = crypto.randomUUID();
  const auditMacKeyId = crypto.randomUUID();
  const kms = await startAwsEndpoint({
    services: [
      new KmsService({
        keys: [
          { logicalId: 'FieldEncryptionKey', keyId, arn: `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:key/${keyId}`, enabled: true },
          {
            logicalId: 'AuditMacKey',
            keyId: auditMacKeyId,
            arn: `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:key/${auditMacKeyId}`,
            enabled: true,
            keySpec: 'HMAC_256',
            keyUsage: 'GENERATE_VERIFY_MAC',
          },
        ],
        aliases: [],
        dataDir: path.join(outdir, 'kms'),
      }),
    ],
  });
  project.provide('kms', { endpoint: kms.url, keyId, auditMacKeyId });
  return async () => {
    await kms.close();
    await dynamo.stop();
    fs.rmSync(outdir, { recursive: true, force: true });
  };
}
