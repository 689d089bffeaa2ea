/**
 * RISK-7, SEC-2: the kernel refuses what a function's IAM grants would refuse on AWS — putting an
 * event under a source its `events:source` condition does not name, getting or opening a data key
 * of an entity kind its `kms:EncryptionContext:entity` condition does not name — before anything is
 * sent, from the lists the stack sets with the grants (EVENT_SOURCES, FIELD_ENCRYPTION_ENTITIES).
 * The local cloud evaluates IAM for DynamoDB only; for KMS and EventBridge this is what makes it fail the way AWS would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { domainEvent } from '../../../events/event-definition.ts';
import { ProductChanged, RiskApproved } from '../../../events/index.ts';
import { resetConfigForTests } from '../../../shared/config.ts';
import { EventSourceNotGrantedError, publishEvents, type PutEventsClient } from '../../../shared/events.ts';
import { FieldEncryptionError, FieldEncryptor, type KmsKeyPort } from '../../../shared/field-encryption.ts';

const VARIABLES = ['STAGE', 'EVENT_BUS_NAME', 'EVENT_SOURCES', 'FIELD_ENCRYPTION_KEY_ID', 'FIELD_ENCRYPTION_ENTITIES'] as const;
const saved = Object.fromEntries(VARIABLES.map((v) => [v, process.env[v]]));

function useEnvironment(values: Partial<Record<(typeof VARIABLES)[number], string>>) {
  for (const v of VARIABLES) delete process.env[v];
  Object.assign(process.env, { STAGE: 'dev', ...values });
  resetConfigForTests();
}

afterEach(() => {
  for (const v of VARIABLES)
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  resetConfigForTests();
});

function recordingClient() {
  const calls: unknown[] = [];
  const client: PutEventsClient = {
    send: async (command: PutEventsCommand) => {
      calls.push(command.input.Entries);
      return { FailedEntryCount: 0, Entries: (command.input.Entries ?? []).map((_, i) => ({ EventId: `e-${i}` })) };
    },
  };
  return { client, calls };
}

const productChanged = domainEvent(ProductChanged, { sku: 'SKU-001', changedBy: 'staff-1', changeKind: 'updated' });
const riskApproved = domainEvent(RiskApproved, RiskApproved.example as never);

describe('RISK-7: a function publishes only under the sources its PutEvents grant names (EVENT_SOURCES)', () => {
  it('refuses an event of another capability before anything is sent', async () => {
    useEnvironment({ EVENT_BUS_NAME: 'commerce-dev', EVENT_SOURCES: 'commerce.catalog' });
    const { client, calls } = recordingClient();
    await expect(publishEvents([productChanged, riskApproved], { correlationId: 'c', client })).rejects.toThrow(EventSourceNotGrantedError);
    await expect(publishEvents([riskApproved], { correlationId: 'c', client })).rejects.toThrow(/may not put events under commerce\.fraud \(granted: commerce\.catalog\)/);
    expect(calls).toEqual([]);
  });

  it('publishes its own', async () => {
    useEnvironment({ EVENT_BUS_NAME: 'commerce-dev', EVENT_SOURCES: 'commerce.catalog' });
    const { client, calls } = recordingClient();
    await publishEvents([productChanged], { correlationId: 'c', client });
    expect(calls).toHaveLength(1);
  });

  it('without the list (no grant information: tests, tools), or with an explicit bus, any source', async () => {
    useEnvironment({ EVENT_BUS_NAME: 'commerce-dev' });
    const { client, calls } = recordingClient();
    await publishEvents([riskApproved], { correlationId: 'c', client });
    useEnvironment({ EVENT_BUS_NAME: 'commerce-dev', EVENT_SOURCES: 'commerce.catalog' });
    await publishEvents([riskApproved], { correlationId: 'c', client, eventBusName: 'other' });
    await expect(publishEvents([riskApproved], { correlationId: 'c', client, eventBusName: 'other', allowedSources: ['commerce.catalog'] })).rejects.toThrow(
      EventSourceNotGrantedError,
    );
    expect(calls).toHaveLength(2);
  });
});

describe('SEC-2: an encryptor uses only the data keys of the entity kinds its field-key grant names (FIELD_ENCRYPTION_ENTITIES)', () => {
  const kms = () => {
    const contexts: Array<Record<string, string>> = [];
    const port: KmsKeyPort = {
      generateDataKey: async (_k, context) => (contexts.push({ ...context }), { plaintext: new Uint8Array(32).fill(1), ciphertextBlob: new Uint8Array([9]) }),
      decrypt: async (_b, context) => (contexts.push({ ...context }), new Uint8Array(32).fill(1)),
    };
    return { port, contexts };
  };

  it('with the key from FIELD_ENCRYPTION_KEY_ID, the kinds from FIELD_ENCRYPTION_ENTITIES: another kind is refused before KMS is asked', async () => {
    useEnvironment({ FIELD_ENCRYPTION_KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/k', FIELD_ENCRYPTION_ENTITIES: 'order,payment-token' });
    const { port, contexts } = kms();
    const encryptor = new FieldEncryptor({ kms: port });
    await expect(encryptor.encrypt({ entity: 'customer', recordId: 'c-1', field: 'phone' }, '13800138000')).rejects.toThrow(FieldEncryptionError);
    expect(contexts).toEqual([]);
    const sealed = await encryptor.encrypt({ entity: 'payment-token', recordId: 'o-1', field: 'paymentToken' }, 'tok_visa');
    expect(await new FieldEncryptor({ kms: port }).decrypt({ entity: 'payment-token', recordId: 'o-1', field: 'paymentToken' }, sealed)).toBe('tok_visa');
    await expect(new FieldEncryptor({ kms: port }).decrypt({ entity: 'customer', recordId: 'o-1', field: 'paymentToken' }, sealed)).rejects.toMatchObject({ reason: 'data-key' });
    expect(contexts.map((c) => c.entity)).toEqual(['payment-token', 'payment-token']);
  });

  it('an explicitly configured key (tests, tools) is not limited unless told', async () => {
    useEnvironment({ FIELD_ENCRYPTION_ENTITIES: 'order' });
    const { port } = kms();
    await expect(new FieldEncryptor({ kms: port, keyId: 'k' }).encrypt({ entity: 'customer', recordId: 'c-1', field: 'phone' }, 'x')).resolves.toMatch(/^v1\./);
    await expect(new FieldEncryptor({ kms: port, keyId: 'k', allowedEntities: ['order'] }).encrypt({ entity: 'customer', recordId: 'c-1', field: 'phone' }, 'x')).rejects.toThrow(
      /may not use customer data keys/,
    );
  });
});
