// What the integration global setup provides to tests through vitest's provide/inject.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** One in-memory DynamoDB Local per run, with every table of the app created. */
    dynamodb: {
      endpoint: string;
      tables: import('./tables.ts').LocalTables;
    };
    /** One local KMS per run with a field-encryption key. */
    kms: { endpoint: string; keyId: string; auditMacKeyId: string };
  }
}
