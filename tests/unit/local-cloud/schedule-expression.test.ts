/**
 * EventBridge rule schedule expressions (infra/local/schedule-expression.ts): valid and invalid
 * expressions and next-fire computations, table-driven. Examples come from "Using cron and rate
 * expressions to schedule rules in Amazon EventBridge" (formerly "Schedule expressions for rules")
 * and "Creating an Amazon EventBridge rule that runs on a schedule":
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-rule-schedule.html
 * Day-of-week numbers follow AWS: 1 = SUN … 7 = SAT, so `6L` is the last Friday.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseScheduleExpression } from '../../../infra/local/schedule-expression.ts';

const at = (iso: string) => new Date(iso);

describe('parseScheduleExpression: validity', () => {
  // The documented examples (cron table, put-rule examples, rate examples).
  it.each([
    ['cron(0 10 * * ? *)', 'cron'],
    ['cron(15 12 * * ? *)', 'cron'],
    ['cron(0 18 ? * MON-FRI *)', 'cron'],
    ['cron(0 8 1 * ? *)', 'cron'],
    ['cron(0/15 * * * ? *)', 'cron'],
    ['cron(0/10 * ? * MON-FRI *)', 'cron'],
    ['cron(0/5 8-17 ? * MON-FRI *)', 'cron'],
    ['cron(0/30 20-2 ? * MON-FRI *)', 'cron'],
    ['cron(0 9 ? * 2#1 *)', 'cron'],
    ['cron(0 12 * * ? *)', 'cron'],
    ['cron(5,35 14 * * ? *)', 'cron'],
    ['cron(15 10 ? * 6L 2019-2022)', 'cron'],
    ['cron(0 0 L * ? *)', 'cron'],
    ['cron(0 0 LW * ? *)', 'cron'],
    ['cron(0 0 3W * ? *)', 'cron'],
    ['cron(0 0 ? * L *)', 'cron'],
    ['cron(0 0 ? * FRIL *)', 'cron'],
    ['cron(0 0 ? * TUE#2 *)', 'cron'],
    ['cron(0 0 1 JAN,FEB,MAR ? *)', 'cron'],
    ['cron(*/20 * * * ? *)', 'cron'],
    ['cron(10-30/10 * * * ? 2024/4)', 'cron'],
    ['cron(0 0 1 NOV-FEB ? *)', 'cron'],
    ['rate(1 minute)', 'rate'],
    ['rate(5 minutes)', 'rate'],
    ['rate(1 hour)', 'rate'],
    ['rate(12 hours)', 'rate'],
    ['rate(1 day)', 'rate'],
    ['rate(7 days)', 'rate'],
  ])('accepts %s', (expression, kind) => {
    expect(parseScheduleExpression(expression).kind).toBe(kind);
  });

  it.each([
    ['rate(1 hours)', /value of 1 needs a singular unit/],
    ['rate(5 hour)', /value over 1 needs a plural unit/],
    ['rate(1 minutes)', /singular/],
    ['rate(2 day)', /plural/],
    ['rate(0 minutes)', /positive whole number/],
    ['rate(-5 minutes)', /positive whole number/],
    ['rate(1.5 hours)', /positive whole number/],
    ['rate(5 seconds)', /must be minute\(s\), hour\(s\) or day\(s\)/],
    ['rate(2 weeks)', /must be minute\(s\), hour\(s\) or day\(s\)/],
    ['rate(5minutes)', /two fields/],
    ['rate()', /two fields/],
    ['rate(5 minutes now)', /two fields/],
    ['cron(0 10 * * ?)', /six fields.*found 5/],
    ['cron(0 0 10 * * ? *)', /six fields.*found 7/],
    ['cron()', /six fields.*found 0/],
    ['cron(0 10 * * * *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['cron(0 10 ? * ? *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['cron(0 10 1 * MON *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['cron(? 10 * * ? *)', /\? is only allowed in the day-of-month and day-of-week/],
    ['cron(60 * * * ? *)', /minutes value 60 is outside 0-59/],
    ['cron(0 24 * * ? *)', /hours value 24 is outside 0-23/],
    ['cron(0 0 0 * ? *)', /day-of-month value 0 is outside 1-31/],
    ['cron(0 0 32 * ? *)', /day-of-month value 32 is outside 1-31/],
    ['cron(0 0 1 13 ? *)', /month value 13 is outside 1-12/],
    ['cron(0 0 1 JANUARY ? *)', /"JANUARY" is not a valid month value/],
    ['cron(0 0 ? * 8 *)', /day-of-week value 8 is outside 1-7/],
    ['cron(0 0 ? * 0 *)', /day-of-week value 0 is outside 1-7/],
    ['cron(0 0 ? * SUNDAY *)', /not a valid day-of-week value/],
    ['cron(0 0 * * ? 1969)', /year value 1969 is outside 1970-2199/],
    ['cron(0 0 * * ? 2200)', /year value 2200 is outside 1970-2199/],
    ['cron(0 0 * * ? 2022-2019)', /year range "2022-2019" runs backwards/],
    ['cron(0 0 ? * 3#1,6#3 *)', /# expression must stand alone/],
    ['cron(0 0 ? * 3#6 *)', /week number after # must be 1-5/],
    ['cron(0 0 ? * 3#0 *)', /week number after # must be 1-5/],
    ['cron(0 0 ? * MON/2 *)', /increments \(\/\) are not allowed in the day-of-week field/],
    ['cron(0/0 * * * ? *)', /increment "0" in minutes must be 1-60/],
    ['cron(0/61 * * * ? *)', /increment "61" in minutes must be 1-60/],
    ['cron(0/5/2 * * * ? *)', /more than one \//],
    ['cron(L * * * ? *)', /L, W and # are only allowed alone/],
    ['cron(0 0 1,L * ? *)', /L, W and # are only allowed alone/],
    ['cron(0 0 ? * 2L,3 *)', /L, W and # are only allowed alone/],
    ['cron(0 0 1,,2 * ? *)', /empty item/],
    ['cron(0 0 1-2-3 * ? *)', /not a valid day-of-month range/],
    ['cron(a 0 * * ? *)', /"a" is not a valid minutes value/],
    ['CRON(0 10 * * ? *)', /must be rate\(value unit\) or cron\(/],
    ['at(2024-01-01T00:00:00)', /must be rate\(value unit\) or cron\(/],
    ['', /must be rate\(value unit\) or cron\(/],
  ])('rejects %s', (expression, reason) => {
    expect(() => parseScheduleExpression(expression)).toThrow(reason);
  });

  it('names the expression in the error', () => {
    expect(() => parseScheduleExpression('rate(5 hour)')).toThrow('Schedule expression "rate(5 hour)" is not valid: ');
  });
});

describe('parseScheduleExpression: cron next fire times (UTC)', () => {
  // after → the next N fire times. 2024-02-27 is a Tuesday; 2024 is a leap year.
  it.each([
    // documented examples
    ['cron(0 10 * * ? *)', '2024-02-27T10:07:30Z', ['2024-02-28T10:00:00Z', '2024-02-29T10:00:00Z', '2024-03-01T10:00:00Z']],
    ['cron(0 10 * * ? *)', '2024-02-27T09:59:59.999Z', ['2024-02-27T10:00:00Z']],
    ['cron(0 10 * * ? *)', '2024-02-27T10:00:00Z', ['2024-02-28T10:00:00Z']],
    ['cron(15 12 * * ? *)', '2024-03-31T12:15:00Z', ['2024-04-01T12:15:00Z', '2024-04-02T12:15:00Z']],
    ['cron(0 18 ? * MON-FRI *)', '2024-03-01T18:00:00Z', ['2024-03-04T18:00:00Z', '2024-03-05T18:00:00Z']],
    ['cron(0 8 1 * ? *)', '2024-01-31T09:00:00Z', ['2024-02-01T08:00:00Z', '2024-03-01T08:00:00Z']],
    ['cron(0 8 1 * ? *)', '2024-12-01T08:00:00Z', ['2025-01-01T08:00:00Z']],
    ['cron(0/15 * * * ? *)', '2024-02-27T10:07:00Z', ['2024-02-27T10:15:00Z', '2024-02-27T10:30:00Z', '2024-02-27T10:45:00Z', '2024-02-27T11:00:00Z']],
    ['cron(0/15 * * * ? *)', '2024-12-31T23:50:00Z', ['2025-01-01T00:00:00Z']],
    ['cron(0/10 * ? * MON-FRI *)', '2024-03-01T23:55:00Z', ['2024-03-04T00:00:00Z', '2024-03-04T00:10:00Z']],
    ['cron(0/5 8-17 ? * MON-FRI *)', '2024-03-04T07:00:00Z', ['2024-03-04T08:00:00Z', '2024-03-04T08:05:00Z']],
    ['cron(0/5 8-17 ? * MON-FRI *)', '2024-03-04T17:50:00Z', ['2024-03-04T17:55:00Z', '2024-03-05T08:00:00Z']],
    ['cron(0/5 8-17 ? * MON-FRI *)', '2024-03-08T17:55:00Z', ['2024-03-11T08:00:00Z']],
    ['cron(0/30 20-2 ? * MON-FRI *)', '2024-03-04T01:45:00Z', ['2024-03-04T02:00:00Z', '2024-03-04T02:30:00Z', '2024-03-04T20:00:00Z']],
    ['cron(0/30 20-2 ? * MON-FRI *)', '2024-03-08T23:30:00Z', ['2024-03-11T00:00:00Z']],
    ['cron(0 9 ? * 2#1 *)', '2024-01-01T09:00:00Z', ['2024-02-05T09:00:00Z', '2024-03-04T09:00:00Z', '2024-04-01T09:00:00Z']],
    ['cron(0 12 * * ? *)', '2024-02-27T12:00:00Z', ['2024-02-28T12:00:00Z']],
    ['cron(1/10 * * * ? *)', '2024-02-27T10:00:00Z', ['2024-02-27T10:01:00Z', '2024-02-27T10:11:00Z', '2024-02-27T10:21:00Z', '2024-02-27T10:31:00Z']],
    ['cron(5,35 14 * * ? *)', '2024-02-27T14:05:00Z', ['2024-02-27T14:35:00Z', '2024-02-28T14:05:00Z']],
    ['cron(15 10 ? * 6L 2019-2022)', '2019-01-01T00:00:00Z', ['2019-01-25T10:15:00Z', '2019-02-22T10:15:00Z', '2019-03-29T10:15:00Z']],
    ['cron(15 10 ? * FRIL 2019-2022)', '2022-11-30T00:00:00Z', ['2022-12-30T10:15:00Z', 'none']],
    ['cron(15 10 ? * 6L 2019-2022)', '2017-06-01T00:00:00Z', ['2019-01-25T10:15:00Z']],
    // month ends and leap years
    ['cron(0 0 31 * ? *)', '2024-01-31T00:00:00Z', ['2024-03-31T00:00:00Z', '2024-05-31T00:00:00Z', '2024-07-31T00:00:00Z', '2024-08-31T00:00:00Z']],
    ['cron(0 0 30 * ? *)', '2024-01-30T00:00:00Z', ['2024-03-30T00:00:00Z']],
    ['cron(0 0 L * ? *)', '2023-02-01T00:00:00Z', ['2023-02-28T00:00:00Z', '2023-03-31T00:00:00Z', '2023-04-30T00:00:00Z']],
    ['cron(0 0 L * ? *)', '2024-02-01T00:00:00Z', ['2024-02-29T00:00:00Z']],
    ['cron(0 0 29 2 ? *)', '2024-03-01T00:00:00Z', ['2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z']],
    ['cron(0 0 29 2 ? *)', '2096-03-01T00:00:00Z', ['2104-02-29T00:00:00Z']],
    ['cron(0 0 29 FEB ? 2000)', '1999-12-31T00:00:00Z', ['2000-02-29T00:00:00Z', 'none']],
    ['cron(59 23 L 12 ? *)', '2024-12-31T23:58:00Z', ['2024-12-31T23:59:00Z', '2025-12-31T23:59:00Z']],
    // W: nearest weekday, within the month
    ['cron(0 0 15W * ? *)', '2024-06-01T00:00:00Z', ['2024-06-14T00:00:00Z', '2024-07-15T00:00:00Z', '2024-08-15T00:00:00Z', '2024-09-16T00:00:00Z']],
    ['cron(0 0 1W * ? *)', '2024-05-31T00:00:00Z', ['2024-06-03T00:00:00Z']],
    ['cron(0 0 31W * ? *)', '2024-03-01T00:00:00Z', ['2024-03-29T00:00:00Z', '2024-05-31T00:00:00Z']],
    ['cron(0 0 3W * ? *)', '2024-02-01T00:00:00Z', ['2024-02-02T00:00:00Z', '2024-03-04T00:00:00Z']],
    ['cron(0 0 LW * ? *)', '2024-03-01T00:00:00Z', ['2024-03-29T00:00:00Z', '2024-04-30T00:00:00Z', '2024-05-31T00:00:00Z', '2024-06-28T00:00:00Z']],
    ['cron(0 0 LW * ? *)', '2024-08-01T00:00:00Z', ['2024-08-30T00:00:00Z']],
    // #, L in day-of-week (1 = SUN … 7 = SAT)
    ['cron(0 0 ? * 3#2 *)', '2024-01-01T00:00:00Z', ['2024-01-09T00:00:00Z', '2024-02-13T00:00:00Z']],
    ['cron(0 0 ? * 6#5 *)', '2024-03-01T00:00:00Z', ['2024-03-29T00:00:00Z', '2024-05-31T00:00:00Z']],
    ['cron(0 0 ? * 1#1 *)', '2024-09-01T00:00:00Z', ['2024-10-06T00:00:00Z']],
    ['cron(0 0 ? * L *)', '2024-02-27T00:00:00Z', ['2024-03-02T00:00:00Z', '2024-03-09T00:00:00Z']],
    ['cron(0 0 ? * 2L *)', '2024-01-01T00:00:00Z', ['2024-01-29T00:00:00Z', '2024-02-26T00:00:00Z']],
    ['cron(0 0 ? * SAT,SUN *)', '2024-02-27T00:00:00Z', ['2024-03-02T00:00:00Z', '2024-03-03T00:00:00Z', '2024-03-09T00:00:00Z']],
    ['cron(0 0 ? * FRI-MON *)', '2024-02-27T00:00:00Z', ['2024-03-01T00:00:00Z', '2024-03-02T00:00:00Z', '2024-03-03T00:00:00Z', '2024-03-04T00:00:00Z', '2024-03-08T00:00:00Z']],
    // lists, ranges, increments, wrap-around, years
    ['cron(10-30/10 * * * ? *)', '2024-02-27T10:30:00Z', ['2024-02-27T11:10:00Z', '2024-02-27T11:20:00Z']],
    ['cron(*/20 * * * ? *)', '2024-02-27T10:59:00Z', ['2024-02-27T11:00:00Z', '2024-02-27T11:20:00Z']],
    ['cron(50-10/10 * * * ? *)', '2024-02-27T10:45:00Z', ['2024-02-27T10:50:00Z', '2024-02-27T11:00:00Z', '2024-02-27T11:10:00Z', '2024-02-27T11:50:00Z']],
    ['cron(0 0 1 NOV-FEB ? *)', '2024-02-01T00:00:00Z', ['2024-11-01T00:00:00Z', '2024-12-01T00:00:00Z', '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z', '2025-11-01T00:00:00Z']],
    ['cron(0 0 1 1 ? 2025,2030)', '2025-01-01T00:00:00Z', ['2030-01-01T00:00:00Z', 'none']],
    ['cron(0 0 1 1 ? 2024/4)', '2024-06-01T00:00:00Z', ['2028-01-01T00:00:00Z', '2032-01-01T00:00:00Z']],
    ['cron(0 0 1 1 ? 2199)', '2199-01-01T00:00:00Z', ['none']],
    ['cron(0 0 31 2 ? *)', '2024-01-01T00:00:00Z', ['none']],
  ])('%s after %s', (expression, after, expected) => {
    const schedule = parseScheduleExpression(expression);
    const fires: string[] = [];
    let t: Date | undefined = at(after);
    for (let i = 0; i < expected.length; i++) {
      t = t && schedule.next(t);
      fires.push(t ? t.toISOString().replace('.000Z', 'Z') : 'none');
    }
    expect(fires).toEqual(expected);
  });
});

describe('parseScheduleExpression: rate next fire times', () => {
  afterEach(() => vi.useRealTimers());

  // Alignment: start truncated to the minute; fires at start + k × period, k ≥ 1.
  const start = at('2024-01-01T00:00:42Z');
  it.each([
    ['rate(5 minutes)', '2024-01-01T00:00:42Z', '2024-01-01T00:05:00Z'],
    ['rate(5 minutes)', '2024-01-01T00:05:00Z', '2024-01-01T00:10:00Z'],
    ['rate(5 minutes)', '2024-01-01T00:07:59Z', '2024-01-01T00:10:00Z'],
    ['rate(5 minutes)', '2023-12-31T00:00:00Z', '2024-01-01T00:05:00Z'],
    ['rate(1 minute)', '2024-01-01T00:00:00Z', '2024-01-01T00:01:00Z'],
    ['rate(1 hour)', '2024-01-01T05:30:00Z', '2024-01-01T06:00:00Z'],
    ['rate(1 hour)', '2024-01-01T06:00:00Z', '2024-01-01T07:00:00Z'],
    ['rate(7 days)', '2024-01-01T00:00:42Z', '2024-01-08T00:00:00Z'],
    ['rate(7 days)', '2024-01-08T00:00:00Z', '2024-01-15T00:00:00Z'],
    ['rate(1 day)', '2024-02-28T12:00:00Z', '2024-02-29T00:00:00Z'],
  ])('%s started 2024-01-01T00:00:42Z, after %s → %s', (expression, after, expected) => {
    expect(parseScheduleExpression(expression, { start }).next(at(after))?.toISOString()).toBe(at(expected).toISOString());
  });

  it('starts, by default, when the expression is parsed', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: at('2024-05-05T12:34:56Z') });
    const schedule = parseScheduleExpression('rate(10 minutes)');
    expect(schedule.next(new Date())?.toISOString()).toBe('2024-05-05T12:44:00.000Z');
  });
});
