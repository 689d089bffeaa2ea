/**
 * Payments publishes an outbox item it just committed without claiming it: the item is written
 * already claimed by its committer for OUTBOX_CLAIM_MS. If the committer dies or fails to publish,
 * the retry of its message must find that claim expired, so every queue a payments function consumes
 * must keep a message invisible for longer than the function may run plus the claim.
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

/** The timeout (s) of the function an event source mapping invokes (directly, or through its alias). */
function functionTimeout(s: Synthesized, target: unknown): number {
  const refOf = (value: unknown): string | undefined => {
    const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
    return v?.Ref ?? v?.['Fn::GetAtt']?.[0] ?? (JSON.stringify(value).match(/"Ref":"(\w+)"/) ?? [])[1];
  };
  let id = refOf(target);
  if (id && s.json.Resources[id]?.Type === 'AWS::Lambda::Alias') id = refOf(s.json.Resources[id]?.Properties?.FunctionName);
  const timeout = id ? (s.json.Resources[id]?.Properties?.Timeout as number | undefined) : undefined;
  if (timeout === undefined) throw new Error(`no function timeout for ${JSON.stringify(target)}`);
  return timeout;
}

describe('the payments outbox claim', () => {
  it('is shorter than the visibility timeout of every queue a payments function consumes, in both stages', () => {
    for (const s of stages) {
      const mappings = resourcesOf(s.json, 'AWS::Lambda::EventSourceMapping').filter(([, p]) => paymentsFunctions.some((fn) => JSON.stringify(p.FunctionName).includes(fn)));
      expect(mappings.length).toBeGreaterThanOrEqual(6);
      for (const [id, p] of mappings) {
        const queueId = (p.EventSourceArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
        const visibility = s.json.Resources[queueId]?.Properties?.VisibilityTimeout as number;
        const timeout = functionTimeout(s, p.FunctionName);
        // A commit can come as late as the function's timeout after the message was received; its redelivery comes a visibility timeout after that reception.
        expect(visibility * 1000, `${id} consumes ${queueId} (function timeout ${timeout} s)`).toBeGreaterThan(timeout * 1000 + OUTBOX_CLAIM_MS);
      }
    }
  });
});
