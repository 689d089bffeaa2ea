/**
 * The one parser of DynamoDB transaction cancellations (shared/dynamodb.ts), used by every
 * repository: codes index-aligned with the items, a whole-call conflict as one conflict, anything
 * else not a cancellation at all.
 */
import { describe, expect, it } from 'vitest';
import { cancellationReasons, isThrottled, isTransactionConditionFailed, isTransactionConflict } from '../../../shared/dynamodb.ts';

const cancelled = (...codes: Array<string | undefined>) =>
  Object.assign(new Error('cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => (Code === undefined ? {} : { Code })) });

describe('transaction cancellation reasons', () => {
  it('reads each item’s code in order; a missing code is None', () => {
    expect(cancellationReasons(cancelled('None', 'ConditionalCheckFailed', undefined))).toEqual(['None', 'ConditionalCheckFailed', 'None']);
    expect(isTransactionConditionFailed(cancelled('None', 'ConditionalCheckFailed'))).toBe(true);
    expect(isTransactionConflict(cancelled('None', 'ConditionalCheckFailed'))).toBe(false);
  });

  it('a conflict, per item or for the whole call, is a conflict and no failed condition', () => {
    expect(isTransactionConflict(cancelled('TransactionConflict', 'None'))).toBe(true);
    const whole = Object.assign(new Error('conflict'), { name: 'TransactionConflictException' });
    expect(cancellationReasons(whole)).toEqual(['TransactionConflict']);
    expect(isTransactionConditionFailed(whole)).toBe(false);
  });

  it('any other error is not a cancellation', () => {
    expect(cancellationReasons(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' }))).toBeUndefined();
    expect(cancellationReasons('boom')).toBeUndefined();
    expect(isTransactionConditionFailed(new Error('x'))).toBe(false);
  });
});

describe('throttling', () => {
  it('a throttled request or a transaction cancelled for throttling; not a conflict nor a failed condition', () => {
    const named = (name: string) => Object.assign(new Error(name), { name });
    for (const name of ['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded']) expect(isThrottled(named(name))).toBe(true);
    expect(isThrottled(cancelled('None', 'ThrottlingError'))).toBe(true);
    expect(isThrottled(cancelled('TransactionConflict'))).toBe(false);
    expect(isThrottled(named('ConditionalCheckFailedException'))).toBe(false);
    expect(isThrottled('ThrottlingException')).toBe(false);
  });
});
