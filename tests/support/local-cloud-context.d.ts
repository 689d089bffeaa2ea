// What the global setups hand to the tests through vitest's provide/inject.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    assemblyDir: string;
    e2e: {
      apiUrl: string;
      sdkEnv: Record<string, string>;
      issuerSecret: string;
      pools: Array<{ poolId: string; clientId: string; groups: string[] }>;
      tables: import('./tables.ts').LocalTables;
      /** The field-encryption KMS key (as the functions see it), to seal what checkout seals. */
      fieldKeyId: string;
      /** The local cloud's state: event archive, queue journals, function logs (swept for personal data). */
      dataDir: string;
    };
  }
}
