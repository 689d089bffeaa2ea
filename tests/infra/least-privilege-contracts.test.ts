/**
 * The contracts the conditioned grants rest on (RISK-7 insider risk / least privilege, SEC-2), checked
 * without synthesizing: the event sources each capability may publish under cover every event its
 * code publishes; consumer rule patterns match each event type on its owner's source; the
 * field-encryption entity kinds the KMS grants name are the ones the code encrypts under. The local
 * cloud does not evaluate IAM, so a grant narrower than the code would only fail on AWS: these
 * tests are what catches it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnyEventDefinition } from '../../events/event-definition.ts';
import { findEventDefinition, OrderPlaced, OrderStatusChanged, PaymentFailed, RiskApproved, StockAdjusted } from '../../events/index.ts';
import { PAYMENT_TOKEN_SEAL } from '../../events/order-placed.ts';
import { fieldEncryptionVault } from '../../functions/payments/engine.ts';
import { encryptPersonalData, ORDER_ENTITY } from '../../functions/checkout/personal-data.ts';
import { CATALOG_PUBLISHES } from '../../infra/capabilities/catalog.ts';
import { CHECKOUT_PUBLISHES } from '../../infra/capabilities/checkout.ts';
import { FRAUD_PUBLISHES } from '../../infra/capabilities/fraud.ts';
import { FULFILLMENT_PUBLISHES } from '../../infra/capabilities/fulfillment.ts';
import { PAYMENTS_PUBLISHES } from '../../infra/capabilities/payments.ts';
import { consumerEventPattern } from '../../infra/constructs/messaging.ts';
import { PROJECT_ROOT } from '../../infra/constructs/service-function.ts';
import { matchesEventPattern, validateEventPattern } from '../../infra/local/event-pattern.ts';
import { customerKeyContext, dataKeyContext, FieldEncryptor, type KmsKeyPort } from '../../shared/field-encryption.ts';
import { MemoryKeyStore } from '../support/memory-customer-keys.ts';

const PUBLISHES: Record<string, readonly AnyEventDefinition[]> = {
  catalog: CATALOG_PUBLISHES,
  checkout: CHECKOUT_PUBLISHES,
  fraud: FRAUD_PUBLISHES,
  payments: PAYMENTS_PUBLISHES,
  fulfillment: FULFILLMENT_PUBLISHES,
};

/** The event types a capability's code builds for publishing (`domainEvent(X, …)`, `outboxEvent(X, …)`). */
function publishedInCode(capability: string): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts'))
        for (const m of fs.readFileSync(full, 'utf8').matchAll(/\b(?:domainEvent|outboxEvent)\(\s*([A-Z][A-Za-z0-9]+)\s*,/g)) names.add(m[1] as string);
    }
  };
  walk(path.join(PROJECT_ROOT, 'functions', capability));
  return [...names].sort();
}

const envelope = (definition: AnyEventDefinition, source = definition.source, detail: Record<string, unknown> = {}) => ({
  version: '0',
  id: '1',
  account: '000000000000',
  region: 'us-east-1',
  time: '2026-01-01T00:00:00Z',
  resources: [],
  'detail-type': definition.name,
  source,
  detail: { ...(definition.example as object), ...detail },
});

describe('RISK-7: PutEvents is granted per capability source, and covers what the code publishes', () => {
  it.each(Object.keys(PUBLISHES))('%s: every event type its code publishes is under a source its functions may put (events:source)', (capability) => {
    const granted = new Set((PUBLISHES[capability] ?? []).map((d) => d.source));
    const published = publishedInCode(capability);
    expect(published.length, capability).toBeGreaterThan(0);
    for (const name of published) {
      const definition = findEventDefinition(name);
      expect(definition, `${capability} publishes ${name}, which is not a registered event type`).toBeDefined();
      expect(granted.has(definition!.source), `${capability} publishes ${name} under ${definition!.source}, which its grant does not name`).toBe(true);
    }
    // and nothing more: every listed type is one the code publishes
    expect((PUBLISHES[capability] ?? []).map((d) => d.name).sort()).toEqual(published);
  });

  it('each capability may put events under its own source only (plus the shared problem-order and notification sources for payments and fulfillment)', () => {
    const sources = Object.fromEntries(Object.entries(PUBLISHES).map(([capability, list]) => [capability, [...new Set(list.map((d) => d.source))].sort()]));
    expect(sources).toEqual({
      catalog: ['commerce.catalog'],
      checkout: ['commerce.checkout'],
      fraud: ['commerce.fraud'],
      payments: ['commerce.notifications', 'commerce.operations', 'commerce.payments'],
      fulfillment: ['commerce.fulfillment', 'commerce.notifications', 'commerce.operations'],
    });
  });
});

describe('RISK-7: consumer rules match on source and detail type', () => {
  it('one source: { source, detail-type } (and the detail filter)', () => {
    const pattern = consumerEventPattern([OrderStatusChanged], { to: ['APPROVED'] });
    expect(pattern).toEqual({ source: ['commerce.checkout'], 'detail-type': ['OrderStatusChanged'], detail: { to: ['APPROVED'] } });
    validateEventPattern(pattern);
    expect(matchesEventPattern(pattern, envelope(OrderStatusChanged, undefined, { to: 'APPROVED' }))).toBe(true);
    expect(matchesEventPattern(pattern, envelope(OrderStatusChanged, 'commerce.fulfillment', { to: 'APPROVED' }))).toBe(false);
  });

  it('several sources: one $or branch per source, never a cross product (fraud cannot forge a payment event, payments cannot forge a risk decision)', () => {
    const pattern = consumerEventPattern([RiskApproved, PaymentFailed, OrderPlaced, StockAdjusted]);
    expect(pattern).toEqual({
      $or: [
        { source: ['commerce.catalog'], 'detail-type': ['StockAdjusted'] },
        { source: ['commerce.checkout'], 'detail-type': ['OrderPlaced'] },
        { source: ['commerce.fraud'], 'detail-type': ['RiskApproved'] },
        { source: ['commerce.payments'], 'detail-type': ['PaymentFailed'] },
      ],
    });
    validateEventPattern(pattern);
    for (const definition of [RiskApproved, PaymentFailed, OrderPlaced, StockAdjusted]) expect(matchesEventPattern(pattern, envelope(definition)), definition.name).toBe(true);
    expect(matchesEventPattern(pattern, envelope(PaymentFailed, 'commerce.fraud'))).toBe(false);
    expect(matchesEventPattern(pattern, envelope(RiskApproved, 'commerce.payments'))).toBe(false);
    expect(matchesEventPattern(pattern, envelope(OrderPlaced, 'commerce.catalog'))).toBe(false);
  });

  it('a consumer of nothing is a construction error', () => {
    expect(() => consumerEventPattern([])).toThrow(/at least one event type/);
  });
});

describe('SEC-2: the entity kinds the code encrypts under', () => {
  /** A KMS port that records the encryption contexts it is asked for. */
  const recordingKms = () => {
    const contexts: Array<Record<string, string>> = [];
    const kms: KmsKeyPort = {
      generateDataKey: async (_keyId, context) => {
        contexts.push({ ...context });
        return { plaintext: new Uint8Array(32).fill(7), ciphertextBlob: new Uint8Array([1, 2, 3]) };
      },
      decrypt: async (_blob, context) => {
        contexts.push({ ...context });
        return new Uint8Array(32).fill(7);
      },
    };
    return { kms, contexts };
  };

  it("payments opens tokens under OrderPlaced's seal, checkout encrypts personal data under ORDER_ENTITY: the kinds the KMS grants name", async () => {
    const { kms, contexts } = recordingKms();
    const vault = fieldEncryptionVault(new FieldEncryptor({ kms, keyId: 'key', decryptCacheSize: 1 }));
    const sealed = await vault.seal('01JD7ZK3X2V8Q4N6M5R9T0W1YB', 'tok_visa');
    expect(
      await new FieldEncryptor({ kms, keyId: 'key' }).decrypt(
        { entity: PAYMENT_TOKEN_SEAL.entity, recordId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB', field: PAYMENT_TOKEN_SEAL.field },
        sealed,
      ),
    ).toBe('tok_visa');
    expect(contexts).toEqual([dataKeyContext(PAYMENT_TOKEN_SEAL.entity), dataKeyContext(PAYMENT_TOKEN_SEAL.entity)]);

    const orders = recordingKms();
    await encryptPersonalData(new FieldEncryptor({ kms: orders.kms, keyId: 'key', customerKeyStore: new MemoryKeyStore() }), '01JD7ZK3X2V8Q4N6M5R9T0W1YB', 'customer-1', {
      name: '李华',
      phone: '13800138000',
      line1: '西湖区 1 号',
      city: '杭州',
      postalCode: '310000',
      email: 'li@example.com',
    });
    // SEC-3: under the customer's own key, whose KMS context still names the entity kind the grants are conditioned on.
    expect(orders.contexts).toEqual([customerKeyContext(ORDER_ENTITY, 'customer-1')]);
    expect(orders.contexts[0]).toMatchObject(dataKeyContext(ORDER_ENTITY));
  });

  it('an encryptor refuses the data keys of an entity kind its function is not granted, before KMS is asked (as IAM would on AWS)', async () => {
    const { kms, contexts } = recordingKms();
    const encryptor = new FieldEncryptor({ kms, keyId: 'key', allowedEntities: [ORDER_ENTITY] });
    await expect(encryptor.encrypt({ entity: PAYMENT_TOKEN_SEAL.entity, recordId: 'o-1', field: 'paymentToken' }, 'tok_visa')).rejects.toThrow(
      /may not use payment-token data keys/,
    );
    await expect(
      encryptor.decrypt({ entity: PAYMENT_TOKEN_SEAL.entity, recordId: 'o-1', field: 'paymentToken' }, `v1.AQID.${'A'.repeat(16)}.${'A'.repeat(22)}`),
    ).rejects.toMatchObject({ reason: 'data-key' });
    expect(contexts).toEqual([]);
    await encryptor.encrypt({ entity: ORDER_ENTITY, recordId: 'o-1', field: 'name' }, '李华');
    expect(contexts).toEqual([dataKeyContext(ORDER_ENTITY)]);
  });
});
