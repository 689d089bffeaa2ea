/**
 * Payments publishes an outbox item it just committed without claiming it: the item is written
 * already claimed by its committer for OUTBOX_CLAIM_MS. If the committer dies or fails to publish,
 * the retry of its message must find that claim expired, so every queue a payments function consumes
 * must keep a message invisible for longer than the claim lasts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTBOX_CLAIM_MS } from '../../functions/payments/payments-repository.ts';
import { paymentsGrants } from './expected-grants/payments.ts';
import { resourcesOf, synth, type Synthesized } from './synth.ts';

let stages: Synthesized[];
beforeAll(() => {
  stages = [synth('dev'), synth('prod')];
});

const paymentsFunctions = Object.keys(paymentsGrants);

describe('the payments outbox claim', () => {
  it('is shorter than the visibility timeout of every queue a payments function consumes, in both stages', () => {
    for (const s of stages) {
      const mappings = resourcesOf(s.json, 'AWS::Lambda::EventSourceMapping').filter(([, p]) => paymentsFunctions.some((fn) => JSON.stringify(p.FunctionName).includes(fn)));
      expect(mappings.length).toBeGreaterThanOrEqual(6);
      for (const [id, p] of mappings) {
        const queueId = (p.EventSourceArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
        const visibility = s.json.Resources[queueId]?.Properties?.VisibilityTimeout as number;
        expect(visibility * 1000, `${id} consumes ${queueId}`).toBeGreaterThan(OUTBOX_CLAIM_MS);
      }
    }
  });
});
