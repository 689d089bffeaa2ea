/**
 * Points this test file's handlers and adapters at the run's DynamoDB Local and local KMS (from the
 * integration global setup), the way the local cloud does: standard AWS variables, no code changes.
 */
import { inject } from 'vitest';
import { resetConfigForTests } from '../../shared/config.ts';
import { resetDynamoDbClientsForTests } from '../../shared/dynamodb.ts';
import { tableEnvironment, type LocalTables } from './tables.ts';

/** Sets the environment for DynamoDB Local and returns the table names. */
export function useLocalDynamoDb(): { endpoint: string; tables: LocalTables } {
  const dynamodb = inject('dynamodb');
  const kms = inject('kms');
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    AWS_ENDPOINT_URL_KMS: kms.endpoint,
    FIELD_ENCRYPTION_KEY_ID: kms.keyId,
    AUDIT_MAC_KEY_ID: kms.auditMacKeyId,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    ...tableEnvironment(dynamodb.tables),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  resetConfigForTests();
  resetDynamoDbClientsForTests();
  return dynamodb;
}
