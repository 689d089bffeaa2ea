/**
 * EventBridge event patterns (infra/local/event-pattern.ts), table-driven from AWS's documented
 * examples. Each group cites the page its rows come from; rows marked "(Ruler)" follow the
 * behaviour of Event Ruler, the matching library EventBridge uses, where the user guide is silent.
 */
import { describe, expect, it } from 'vitest';
import { InvalidEventPatternError, matchesEventPattern, validateEventPattern } from '../../../infra/local/event-pattern.ts';

interface Row {
  name: string;
  pattern: Record<string, unknown>;
  event: unknown;
  match: boolean;
}

/** The envelope of an event, with `detail` and any top-level fields replaced. */
function event(detail: unknown, top: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail,
    ...top,
  };
}

/** The EC2 state-change event of "Amazon EventBridge event patterns". */
const ec2 = event({ 'instance-id': 'i-1234567890abcdef0', state: 'terminated' });
/** The example event of the Event Ruler README (used by the content-filtering examples). */
const rulerEvent = event(
  { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, 'source-ip': '10.0.0.33', 'instance-id': 'i-000000aaaaaa00000', state: 'running' },
  { time: '2017-10-02T16:24:49Z', region: 'us-east-1', account: '012345679012', resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'] },
);

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html
const basics: Row[] = [
  {
    name: 'EC2 termination pattern matches the terminated event',
    pattern: { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } },
    event: ec2,
    match: true,
  },
  {
    name: 'EC2 termination pattern does not match a running instance',
    pattern: { source: ['aws.ec2'], detail: { state: ['terminated'] } },
    event: event({ state: 'running' }),
    match: false,
  },
  { name: 'fields not in the pattern are ignored', pattern: { source: ['aws.ec2'] }, event: ec2, match: true },
  { name: 'a different source does not match', pattern: { source: ['aws.ec2'] }, event: event({}, { source: 'aws.s3' }), match: false },
  { name: 'every pattern field must be in the event', pattern: { source: ['aws.ec2'], detail: { 'instance-type': ['t3.micro'] } }, event: ec2, match: false },
  { name: 'the nesting must be the same (state is under detail)', pattern: { state: ['terminated'] }, event: ec2, match: false },
  { name: 'matching is case-sensitive', pattern: { source: ['AWS.EC2'] }, event: ec2, match: false },
  { name: 'matching is character by character (no trimming)', pattern: { source: ['aws.ec2 '] }, event: ec2, match: false },
  { name: 'values in a pattern array are ORed: aws.fargate', pattern: { source: ['aws.ec2', 'aws.fargate'] }, event: event({}, { source: 'aws.fargate' }), match: true },
  { name: 'values in a pattern array are ORed: aws.lambda is neither', pattern: { source: ['aws.ec2', 'aws.fargate'] }, event: event({}, { source: 'aws.lambda' }), match: false },
  { name: 'a pattern number matches the same number', pattern: { detail: { count: [300] } }, event: event({ count: 300 }), match: true },
  { name: 'numbers compare numerically (3.0e2 equals 300)', pattern: { detail: { count: [3.0e2] } }, event: event(JSON.parse('{"count": 300.0}')), match: true },
  { name: 'a pattern number does not match the string "300"', pattern: { detail: { count: [300] } }, event: event({ count: '300' }), match: false },
  { name: 'a pattern string does not match the number 300', pattern: { detail: { count: ['300'] } }, event: event({ count: 300 }), match: false },
  { name: 'true matches the JSON literal true', pattern: { detail: { enabled: [true] } }, event: event({ enabled: true }), match: true },
  { name: 'true does not match the string "true"', pattern: { detail: { enabled: [true] } }, event: event({ enabled: 'true' }), match: false },
  { name: 'a leaf pattern does not match an object value', pattern: { detail: ['terminated'] }, event: ec2, match: false },
  { name: 'a nested pattern does not match a scalar value', pattern: { source: { name: ['aws.ec2'] } }, event: ec2, match: false },
];

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
// https://github.com/aws/event-ruler#json-array-matching (array consistency)
const arrays: Row[] = [
  {
    name: 'an event array matches if it intersects the pattern array',
    pattern: {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    event: event(
      {},
      {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      },
    ),
    match: true,
  },
  {
    name: 'an event array without a common value does not match',
    pattern: { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] },
    event: event({}, { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-00000000'] }),
    match: false,
  },
  {
    name: 'an empty event array matches no value',
    pattern: { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] },
    event: event({}, { resources: [] }),
    match: false,
  },
  {
    name: '(Ruler) simple matching: resources, detail-type and one of two states',
    pattern: {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
      detail: { state: ['initializing', 'running'] },
    },
    event: rulerEvent,
    match: true,
  },
  {
    name: '(Ruler) objects in an event array are matched like the parent field',
    pattern: { detail: { employees: { firstName: ['Anna'] } } },
    event: event({
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    }),
    match: true,
  },
  {
    name: '(Ruler) both fields from the same array element match',
    pattern: { detail: { employees: { firstName: ['Anna'], lastName: ['Smith'] } } },
    event: event({
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
      ],
    }),
    match: true,
  },
  {
    name: '(Ruler) fields from different array elements do not match together',
    pattern: { detail: { employees: { firstName: ['Anna'], lastName: ['Jones'] } } },
    event: event({
      employees: [
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    }),
    match: false,
  },
  {
    name: '(Ruler) multi-level arrays are crushed too',
    pattern: { detail: { employees: { firstName: ['Peter'] } } },
    event: event({ employees: [[{ firstName: 'John' }, { firstName: 'Anna' }], [{ firstName: 'Peter' }]] }),
    match: true,
  },
  { name: 'nested arrays of scalars are crushed', pattern: { detail: { tags: ['blue'] } }, event: event({ tags: [['red'], ['green', 'blue']] }), match: true },
];

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
const nulls = event({ eventVersion: '', responseElements: null }, { 'detail-type': 'EC2 Instance Launch Successful', source: 'aws.autoscaling', resources: [] });
const nullValues: Row[] = [
  { name: '[""] matches an empty string', pattern: { detail: { eventVersion: [''] } }, event: nulls, match: true },
  { name: '[null] matches a null value', pattern: { detail: { responseElements: [null] } }, event: nulls, match: true },
  { name: '[null] does not match an empty string', pattern: { detail: { eventVersion: [null] } }, event: nulls, match: false },
  { name: '[""] does not match null', pattern: { detail: { responseElements: [''] } }, event: nulls, match: false },
  { name: '[null] does not match a missing field', pattern: { detail: { userId: [null] } }, event: nulls, match: false },
];

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html (the "Comparison operators" table)
const operators: Row[] = [
  { name: 'And: Location is "New York" and Day is "Monday"', pattern: { Location: ['New York'], Day: ['Monday'] }, event: { Location: 'New York', Day: 'Monday' }, match: true },
  { name: 'And: one field differs', pattern: { Location: ['New York'], Day: ['Monday'] }, event: { Location: 'New York', Day: 'Tuesday' }, match: false },
  { name: 'Anything-but: state besides "initializing"', pattern: { state: [{ 'anything-but': 'initializing' }] }, event: { state: 'running' }, match: true },
  { name: 'Anything-but: "initializing" itself', pattern: { state: [{ 'anything-but': 'initializing' }] }, event: { state: 'initializing' }, match: false },
  { name: 'Anything-but (begins with): Region not in the US', pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] }, event: { Region: 'eu-west-1' }, match: true },
  { name: 'Anything-but (begins with): us-east-1', pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] }, event: { Region: 'us-east-1' }, match: false },
  { name: 'Anything-but (ends with): not a .png', pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] }, event: { FileName: 'photo.jpg' }, match: true },
  { name: 'Anything-but (ends with): a .png', pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] }, event: { FileName: 'photo.png' }, match: false },
  {
    name: 'Anything-but (ignore case): INITIALIZING is excluded',
    pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
    event: { state: 'INITIALIZING' },
    match: false,
  },
  {
    name: 'Anything-but (ignore case): Running passes',
    pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
    event: { state: 'Running' },
    match: true,
  },
  {
    name: 'Anything-but using a wildcard: a path under /lib/',
    pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    event: { FilePath: '/usr/lib/libc.so' },
    match: false,
  },
  {
    name: 'Anything-but using a wildcard: a path under /bin/',
    pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    event: { FilePath: '/usr/bin/env' },
    match: true,
  },
  { name: 'Begins with: Region is in the US', pattern: { Region: [{ prefix: 'us-' }] }, event: { Region: 'us-west-2' }, match: true },
  { name: 'Begins with: eu-west-1 is not', pattern: { Region: [{ prefix: 'us-' }] }, event: { Region: 'eu-west-1' }, match: false },
  {
    name: 'Begins with (ignore case): EventBridge starts with "eventb"',
    pattern: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] },
    event: { service: 'EventBridge' },
    match: true,
  },
  { name: 'Begins with (ignore case): Lambda does not', pattern: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] }, event: { service: 'Lambda' }, match: false },
  { name: 'Empty: LastName is empty', pattern: { LastName: [''] }, event: { LastName: '' }, match: true },
  { name: 'Empty: LastName is "Doe"', pattern: { LastName: [''] }, event: { LastName: 'Doe' }, match: false },
  { name: 'Equals: Name is "Alice"', pattern: { Name: ['Alice'] }, event: { Name: 'Alice' }, match: true },
  { name: 'Equals: "alice" is not "Alice"', pattern: { Name: ['Alice'] }, event: { Name: 'alice' }, match: false },
  { name: 'Equals (ignore case): ALICE', pattern: { Name: [{ 'equals-ignore-case': 'alice' }] }, event: { Name: 'ALICE' }, match: true },
  { name: 'Equals (ignore case): Alicia', pattern: { Name: [{ 'equals-ignore-case': 'alice' }] }, event: { Name: 'Alicia' }, match: false },
  { name: 'Ends with: a .png file', pattern: { FileName: [{ suffix: '.png' }] }, event: { FileName: 'image.png' }, match: true },
  { name: 'Ends with: .PNG differs in case', pattern: { FileName: [{ suffix: '.png' }] }, event: { FileName: 'image.PNG' }, match: false },
  {
    name: 'Ends with (ignore case): EVENTBRIDGE ends with "tBridge"',
    pattern: { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] },
    event: { service: 'EVENTBRIDGE' },
    match: true,
  },
  { name: 'Ends with (ignore case): EventBus does not', pattern: { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] }, event: { service: 'EventBus' }, match: false },
  { name: 'Exists: ProductName exists', pattern: { ProductName: [{ exists: true }] }, event: { ProductName: 'Widget' }, match: true },
  { name: 'Exists: ProductName is missing', pattern: { ProductName: [{ exists: true }] }, event: { Price: 1 }, match: false },
  { name: 'Does not exist: ProductName is missing', pattern: { ProductName: [{ exists: false }] }, event: { Price: 1 }, match: true },
  { name: 'Does not exist: ProductName is present', pattern: { ProductName: [{ exists: false }] }, event: { ProductName: 'Widget' }, match: false },
  { name: 'Not: Weather is anything but "Raining"', pattern: { Weather: [{ 'anything-but': ['Raining'] }] }, event: { Weather: 'Sunny' }, match: true },
  { name: 'Not: Weather is "Raining"', pattern: { Weather: [{ 'anything-but': ['Raining'] }] }, event: { Weather: 'Raining' }, match: false },
  { name: 'Null: UserID is null', pattern: { UserID: [null] }, event: { UserID: null }, match: true },
  { name: 'Null: UserID is "u-1"', pattern: { UserID: [null] }, event: { UserID: 'u-1' }, match: false },
  { name: 'Numeric (equals): Price is 100', pattern: { Price: [{ numeric: ['=', 100] }] }, event: { Price: 100 }, match: true },
  { name: 'Numeric (equals): Price is 1.0e2', pattern: { Price: [{ numeric: ['=', 100] }] }, event: JSON.parse('{"Price": 1.0e2}'), match: true },
  { name: 'Numeric (equals): the string "100" is not a number', pattern: { Price: [{ numeric: ['=', 100] }] }, event: { Price: '100' }, match: false },
  { name: 'Numeric (range): 20 is in (10, 20]', pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] }, event: { Price: 20 }, match: true },
  { name: 'Numeric (range): 10 is not in (10, 20]', pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] }, event: { Price: 10 }, match: false },
  { name: 'Numeric (range): 15.5 is in (10, 20]', pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] }, event: { Price: 15.5 }, match: true },
  { name: 'Numeric (range): 20.000001 is not in (10, 20]', pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] }, event: { Price: 20.000001 }, match: false },
  { name: 'Or: PaymentType is "Debit"', pattern: { PaymentType: ['Credit', 'Debit'] }, event: { PaymentType: 'Debit' }, match: true },
  { name: 'Or: PaymentType is "Cash"', pattern: { PaymentType: ['Credit', 'Debit'] }, event: { PaymentType: 'Cash' }, match: false },
  { name: 'Or (multiple fields): Day is "Monday"', pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, event: { Location: 'Boston', Day: 'Monday' }, match: true },
  { name: 'Or (multiple fields): neither', pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, event: { Location: 'Boston', Day: 'Tuesday' }, match: false },
  { name: 'Wildcard: a .png in folder dir', pattern: { FileName: [{ wildcard: 'dir/*.png' }] }, event: { FileName: 'dir/2024/img.png' }, match: true },
  { name: 'Wildcard: a .png in another folder', pattern: { FileName: [{ wildcard: 'dir/*.png' }] }, event: { FileName: 'other/img.png' }, match: false },
  { name: 'Wildcard: must match to the end', pattern: { FileName: [{ wildcard: 'dir/*.png' }] }, event: { FileName: 'dir/img.png.txt' }, match: false },
];

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
const contentFiltering: Row[] = [
  // prefix / suffix
  { name: 'prefix: time starts with 2017-10-02', pattern: { time: [{ prefix: '2017-10-02' }] }, event: rulerEvent, match: true },
  { name: 'prefix: 2017-12-22 does not', pattern: { time: [{ prefix: '2017-10-02' }] }, event: ec2, match: false },
  { name: 'prefix only works on strings', pattern: { detail: { 'c-count': [{ prefix: '5' }] } }, event: rulerEvent, match: false },
  {
    name: 'prefix equals-ignore-case: eventbridge starts with EventB',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: event({ service: 'eventbridge' }),
    match: true,
  },
  {
    name: 'prefix equals-ignore-case: EVENTBRIDGE starts with EventB',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: event({ service: 'EVENTBRIDGE' }),
    match: true,
  },
  { name: 'suffix: FileName ends with .png', pattern: { detail: { FileName: [{ suffix: '.png' }] } }, event: event({ FileName: 'cat.png' }), match: true },
  {
    name: 'suffix equals-ignore-case: .PNG ends with .png',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: event({ FileName: 'CAT.PNG' }),
    match: true,
  },
  {
    name: 'suffix equals-ignore-case: .jpg does not',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: event({ FileName: 'cat.jpg' }),
    match: false,
  },
  // anything-but
  { name: 'anything-but number: 301.8 is not 123', pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, event: rulerEvent, match: true },
  { name: 'anything-but number: 123 is excluded', pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, event: event({ 'x-limit': 123 }), match: false },
  {
    name: 'anything-but number: 123.0 is the same number',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: event(JSON.parse('{"x-limit": 123.0}')),
    match: false,
  },
  {
    name: 'anything-but string list: running is neither stopped nor overloaded',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: rulerEvent,
    match: true,
  },
  {
    name: 'anything-but string list: stopped is excluded',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: event({ state: 'stopped' }),
    match: false,
  },
  { name: 'anything-but number list: 301.8 is not in [100, 200, 300]', pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, event: rulerEvent, match: true },
  {
    name: 'anything-but number list: 3.0e2 is excluded',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: event(JSON.parse('{"x-limit": 3.0e2}')),
    match: false,
  },
  { name: 'anything-but prefix: running does not start with init', pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, event: rulerEvent, match: true },
  {
    name: 'anything-but prefix: initializing is excluded',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: event({ state: 'initializing' }),
    match: false,
  },
  {
    name: 'anything-but suffix: .txt files are excluded',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } },
    event: event({ FileName: 'notes.txt' }),
    match: false,
  },
  {
    name: 'anything-but equals-ignore-case list: STOPPED is excluded',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] } },
    event: event({ state: 'STOPPED' }),
    match: false,
  },
  {
    name: 'anything-but equals-ignore-case list: running passes',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] } },
    event: event({ state: 'running' }),
    match: true,
  },
  {
    name: 'anything-but wildcard list: /bin/ and /lib/ excluded, /etc/ passes',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] } },
    event: event({ FilePath: '/etc/hosts' }),
    match: true,
  },
  {
    name: 'anything-but never matches a missing field',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: event({ 'instance-id': 'i-1' }),
    match: false,
  },
  {
    name: 'anything-but does not match an object (not a leaf)',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: event({ state: { code: 16 } }),
    match: false,
  },
  { name: '(Ruler) a string anything-but does not exclude numbers', pattern: { detail: { code: [{ 'anything-but': '16' }] } }, event: event({ code: 16 }), match: true },
  {
    name: '(Ruler) anything-but with an event array: one other value is enough',
    pattern: { detail: { state: [{ 'anything-but': 'stopped' }] } },
    event: event({ state: ['stopped', 'running'] }),
    match: true,
  },
  {
    name: '(Ruler) anything-but with an event array of excluded values',
    pattern: { detail: { state: [{ 'anything-but': 'stopped' }] } },
    event: event({ state: ['stopped'] }),
    match: false,
  },
  // numeric
  {
    name: 'numeric: c-count (0,5], d-count < 10, x-limit = 3.018e2',
    pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } },
    event: rulerEvent,
    match: true,
  },
  { name: 'numeric: x-limit 301.9 is not 3.018e2', pattern: { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, event: event({ 'x-limit': 301.9 }), match: false },
  { name: 'numeric: c-count 0 is not > 0', pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, event: event({ 'c-count': 0 }), match: false },
  { name: 'numeric: >= includes the bound', pattern: { detail: { 'c-count': [{ numeric: ['>=', 0, '<', 5] }] } }, event: event({ 'c-count': 0 }), match: true },
  { name: 'numeric: < excludes the bound', pattern: { detail: { 'c-count': [{ numeric: ['>=', 0, '<', 5] }] } }, event: event({ 'c-count': 5 }), match: false },
  { name: 'numeric: negative values', pattern: { detail: { delta: [{ numeric: ['<', 0] }] } }, event: event({ delta: -1.5 }), match: true },
  { name: 'numeric: only JSON numbers, not numeric strings', pattern: { detail: { 'c-count': [{ numeric: ['>', 0] }] } }, event: event({ 'c-count': '5' }), match: false },
  { name: 'numeric: any element of a number array', pattern: { detail: { sizes: [{ numeric: ['>', 10] }] } }, event: event({ sizes: [1, 2, 30] }), match: true },
  { name: 'numeric: values beyond ±5e9 are outside numeric matching', pattern: { detail: { big: [{ numeric: ['>', 0] }] } }, event: event({ big: 6e9 }), match: false },
  // IP addresses
  { name: 'cidr: 10.0.0.255 is in 10.0.0.0/24', pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, event: event({ sourceIPAddress: '10.0.0.255' }), match: true },
  {
    name: 'cidr: 10.0.1.0 is not in 10.0.0.0/24',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: event({ sourceIPAddress: '10.0.1.0' }),
    match: false,
  },
  {
    name: 'cidr: a host name is not an address',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: event({ sourceIPAddress: 'example.com' }),
    match: false,
  },
  {
    name: 'cidr: IPv6 2001:db8::/32 contains 2001:db8:0:0:0:0:0:1',
    pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } },
    event: event({ sourceIPAddress: '2001:db8:0:0:0:0:0:1' }),
    match: true,
  },
  {
    name: 'cidr: IPv6 2001:db9::1 is outside 2001:db8::/32',
    pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } },
    event: event({ sourceIPAddress: '2001:db9::1' }),
    match: false,
  },
  {
    name: 'cidr: an IPv4 address is never in an IPv6 block',
    pattern: { detail: { sourceIPAddress: [{ cidr: '::/1' }] } },
    event: event({ sourceIPAddress: '10.0.0.1' }),
    match: false,
  },
  {
    name: '(Ruler) an exact IP value matches the same address written differently',
    pattern: { detail: { sourceIPAddress: ['2001:db8::1'] } },
    event: event({ sourceIPAddress: '2001:0db8:0:0:0:0:0:1' }),
    match: true,
  },
  // exists
  {
    name: 'exists true: detail.state is present',
    pattern: { detail: { state: [{ exists: true }] } },
    event: event({ 'instance-id': 'i-abcd1111', state: 'pending' }),
    match: true,
  },
  { name: 'exists true: detail.state is absent', pattern: { detail: { state: [{ exists: true }] } }, event: event({ 'c-count': { c1: 100 } }), match: false },
  { name: 'exists false: detail.c-count is absent', pattern: { detail: { 'c-count': [{ exists: false }] } }, event: event({ state: ['initializing', 'running'] }), match: true },
  {
    name: 'exists false: c-count is an object, not a leaf',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: event({ state: ['initializing', 'running'], 'c-count': { c1: 100 } }),
    match: true,
  },
  { name: 'exists false: c-count is a leaf', pattern: { detail: { 'c-count': [{ exists: false }] } }, event: rulerEvent, match: false },
  { name: 'exists true: a null value is present', pattern: { detail: { responseElements: [{ exists: true }] } }, event: nulls, match: true },
  { name: 'exists true: an empty array has no values', pattern: { detail: { tags: [{ exists: true }] } }, event: event({ tags: [] }), match: false },
  { name: 'exists false: an empty array has no values', pattern: { detail: { tags: [{ exists: false }] } }, event: event({ tags: [] }), match: true },
  { name: 'exists false: the parent object is missing too', pattern: { detail: { config: { region: [{ exists: false }] } } }, event: ec2, match: true },
  { name: 'exists false or a value: the value', pattern: { detail: { state: [{ exists: false }, 'pending'] } }, event: event({ state: 'pending' }), match: true },
  // complex
  {
    name: 'complex: prefix, anything-but, numeric, anything-but list and cidr',
    pattern: {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
        'source-ip': [{ cidr: '10.0.0.0/8' }],
      },
    },
    event: rulerEvent,
    match: true,
  },
  {
    name: 'complex: fails when one field fails',
    pattern: { time: [{ prefix: '2017-10-02' }], detail: { state: [{ 'anything-but': 'running' }], 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
    event: rulerEvent,
    match: false,
  },
];

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html (wildcard matching)
// https://aws.amazon.com/blogs/compute/filtering-events-in-amazon-eventbridge-with-wildcard-pattern-matching/
// https://github.com/aws/event-ruler#wildcard-matching
const wildcards: Row[] = [
  {
    name: 'EventBusArn: any account, any bus in us-east-1',
    pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    event: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' },
    match: true,
  },
  {
    name: 'EventBusArn: another region',
    pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    event: { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/orders' },
    match: false,
  },
  { name: '"*.png" matches strings ending in .png', pattern: { key: [{ wildcard: '*.png' }] }, event: { key: 'a/b/c.png' }, match: true },
  { name: '"*Title*" matches Title in the middle', pattern: { key: [{ wildcard: '*Title*' }] }, event: { key: 'MyTitleHere' }, match: true },
  {
    name: '"Simple*Service" matches SimpleNotificationService',
    pattern: { source: [{ wildcard: 'Simple*Service' }] },
    event: { source: 'SimpleNotificationService' },
    match: true,
  },
  { name: '* matches zero characters', pattern: { source: [{ wildcard: 'Simple*Service' }] }, event: { source: 'SimpleService' }, match: true },
  { name: 'the text before the first * is anchored', pattern: { source: [{ wildcard: 'Simple*Service' }] }, event: { source: 'AmazonSimpleQueueService' }, match: false },
  { name: 'a lone * matches any string, even empty', pattern: { key: [{ wildcard: '*' }] }, event: { key: '' }, match: true },
  { name: 'wildcards only match strings', pattern: { key: [{ wildcard: '*' }] }, event: { key: 42 }, match: false },
  { name: '\\* is a literal asterisk', pattern: { key: [{ wildcard: 'a\\*b' }] }, event: { key: 'a*b' }, match: true },
  { name: '\\* does not match other characters', pattern: { key: [{ wildcard: 'a\\*b' }] }, event: { key: 'axb' }, match: false },
  { name: '\\\\ is a literal backslash', pattern: { key: [{ wildcard: 'C:\\\\*' }] }, event: { key: 'C:\\temp' }, match: true },
  { name: 'segments must appear in order without overlapping', pattern: { key: [{ wildcard: '*ab*ba*' }] }, event: { key: 'aba' }, match: false },
];

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html ($or matching)
// https://github.com/aws/event-ruler#the-or-primitive
const ors: Row[] = [
  {
    name: '$or of numeric conditions: d-count < 10',
    pattern: { detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 3.018e2] }] }] } },
    event: event({ 'c-count': 9, 'd-count': 3, 'x-limit': 1 }),
    match: true,
  },
  {
    name: '$or of numeric conditions: none holds',
    pattern: { detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 3.018e2] }] }] } },
    event: event({ 'c-count': 9, 'd-count': 30, 'x-limit': 1 }),
    match: false,
  },
  {
    name: 'source && (metricName || namespace): namespace',
    pattern: { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] },
    event: { source: 'aws.cloudwatch', namespace: 'AWS/EC2' },
    match: true,
  },
  {
    name: 'source && (metricName || namespace): wrong source',
    pattern: { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] },
    event: { source: 'aws.ec2', namespace: 'AWS/EC2' },
    match: false,
  },
  {
    name: 'parallel $or at two levels: both hold',
    pattern: {
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    },
    event: { metricName: 'ReadLatency', detail: { 'detail-type': 'CloudWatch Alarm State Change' } },
    match: true,
  },
  {
    name: 'parallel $or at two levels: only the first holds',
    pattern: {
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    },
    event: { metricName: 'ReadLatency', detail: { source: 'aws.ec2' } },
    match: false,
  },
  {
    name: '$or with an AND branch: metricType and namespace',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] }, { scope: ['Service'] }],
    },
    event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES' },
    match: true,
  },
  {
    name: '$or with an AND branch: only half of it',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] }, { scope: ['Service'] }],
    },
    event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/S3' },
    match: false,
  },
  {
    name: 'nested $or inside an $or branch: spaceId',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] }, { scope: ['Service'] }],
    },
    event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 },
    match: true,
  },
  {
    name: 'nested $or inside an $or branch: neither id',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] }, { scope: ['Service'] }],
    },
    event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 7 },
    match: false,
  },
  { name: '$or branches can be nested objects', pattern: { $or: [{ detail: { state: ['running'] } }, { source: ['aws.s3'] }] }, event: rulerEvent, match: true },
  {
    name: '$or with exists false in a branch',
    pattern: { detail: { $or: [{ state: [{ exists: false }] }, { state: ['pending'] }] } },
    event: event({ state: 'running' }),
    match: false,
  },
];

const groups = { basics, arrays, nullValues, operators, contentFiltering, wildcards, ors };

describe('matchesEventPattern', () => {
  for (const [group, rows] of Object.entries(groups)) {
    describe(group, () => {
      it.each(rows)('$name', ({ pattern, event: e, match }) => {
        expect(() => validateEventPattern(pattern)).not.toThrow();
        expect(matchesEventPattern(pattern, e)).toBe(match);
      });
    });
  }

  it('has the documented examples (80+ rows)', () => {
    expect(Object.values(groups).flat().length).toBeGreaterThanOrEqual(80);
  });

  it('does not match events that are not objects', () => {
    for (const e of [null, 'aws.ec2', 42, ['aws.ec2']]) expect(matchesEventPattern({ source: ['aws.ec2'] }, e)).toBe(false);
  });
});

// Invalid patterns: what PutRule / TestEventPattern reject with InvalidEventPatternException.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html (values are arrays)
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
// https://github.com/aws/event-ruler (JsonRuleCompiler's checks and messages)
const invalid: Array<{ name: string; pattern: unknown; reason: RegExp }> = [
  { name: 'null', pattern: null, reason: /not an object/ },
  { name: 'an array', pattern: [{ source: ['aws.ec2'] }], reason: /not an object/ },
  { name: 'a string', pattern: 'aws.ec2', reason: /not an object/ },
  { name: 'an empty object', pattern: {}, reason: /Empty objects/ },
  { name: 'an empty nested object', pattern: { detail: {} }, reason: /Empty objects/ },
  { name: 'a leaf value that is not an array', pattern: { source: 'aws.ec2' }, reason: /"source" must be an object or an array/ },
  { name: 'a nested leaf value that is not an array', pattern: { detail: { state: 'running' } }, reason: /"state" must be an object or an array.*detail\.state/ },
  { name: 'a number leaf', pattern: { detail: { count: 5 } }, reason: /must be an object or an array/ },
  { name: 'an empty value array', pattern: { source: [] }, reason: /Empty arrays/ },
  { name: 'a nested array value', pattern: { source: [['aws.ec2']] }, reason: /Match value must be String, number, true, false, or null/ },
  { name: 'an empty match expression', pattern: { source: [{}] }, reason: /Match expression name not found/ },
  { name: 'two operators in one expression', pattern: { source: [{ prefix: 'a', suffix: 'b' }] }, reason: /Only one key allowed/ },
  { name: 'an unknown operator', pattern: { source: [{ contains: 'ec2' }] }, reason: /Unrecognized match type contains/ },
  { name: 'regex is not an operator', pattern: { source: [{ regex: 'aws\\..*' }] }, reason: /Unrecognized match type regex/ },
  { name: 'prefix with a number', pattern: { source: [{ prefix: 5 }] }, reason: /prefix match pattern must be a string/ },
  { name: 'prefix with an unsupported option', pattern: { source: [{ prefix: { wildcard: 'a*' } }] }, reason: /Unsupported prefix pattern: wildcard/ },
  { name: 'suffix equals-ignore-case with a number', pattern: { source: [{ suffix: { 'equals-ignore-case': 5 } }] }, reason: /equals-ignore-case match pattern must be a string/ },
  { name: 'equals-ignore-case with a list', pattern: { source: [{ 'equals-ignore-case': ['a'] }] }, reason: /equals-ignore-case match pattern must be a string/ },
  { name: 'exactly with a number', pattern: { source: [{ exactly: 5 }] }, reason: /exact match pattern must be a string/ },
  { name: 'consecutive wildcards', pattern: { key: [{ wildcard: 'a**b' }] }, reason: /Consecutive wildcard characters at pos 1/ },
  { name: 'a backslash escaping a letter', pattern: { key: [{ wildcard: 'a\\b' }] }, reason: /Invalid escape character at pos 1/ },
  { name: 'a trailing backslash', pattern: { key: [{ wildcard: 'a\\' }] }, reason: /Invalid escape character/ },
  { name: 'wildcard with a number', pattern: { key: [{ wildcard: 5 }] }, reason: /wildcard match pattern must be a string/ },
  { name: 'exists with a string', pattern: { key: [{ exists: 'true' }] }, reason: /exists match pattern must be either true or false/ },
  { name: 'numeric not an array', pattern: { n: [{ numeric: '>' }] }, reason: /Value of numeric must be an array/ },
  { name: 'numeric without a value', pattern: { n: [{ numeric: ['>'] }] }, reason: /Value of > must be numeric/ },
  { name: 'numeric with an unknown operator', pattern: { n: [{ numeric: ['!=', 5] }] }, reason: /Unrecognized numeric range operator: !=/ },
  { name: 'numeric with a string value', pattern: { n: [{ numeric: ['>', '5'] }] }, reason: /Value of > must be numeric/ },
  { name: 'numeric starting with a number', pattern: { n: [{ numeric: [5, '>'] }] }, reason: /Invalid member in numeric match/ },
  { name: 'numeric = with a range', pattern: { n: [{ numeric: ['=', 5, '<', 6] }] }, reason: /Too many elements/ },
  { name: 'numeric < with a second bound', pattern: { n: [{ numeric: ['<', 5, '>', 1] }] }, reason: /Too many elements/ },
  { name: 'numeric range with > as upper bound', pattern: { n: [{ numeric: ['>', 5, '>', 10] }] }, reason: /Bad numeric range operator: >/ },
  { name: 'numeric range upper bound not a number', pattern: { n: [{ numeric: ['>', 5, '<', 'ten'] }] }, reason: /Value of < must be numeric/ },
  { name: 'numeric range bottom above top', pattern: { n: [{ numeric: ['>', 10, '<', 5] }] }, reason: /Bottom must be less than top/ },
  { name: 'numeric empty range', pattern: { n: [{ numeric: ['>=', 5, '<=', 5] }] }, reason: /Bottom must be less than top/ },
  { name: 'numeric range with extra terms', pattern: { n: [{ numeric: ['>', 0, '<=', 5, '<', 9] }] }, reason: /Too many terms/ },
  { name: 'numeric beyond 5e9', pattern: { n: [{ numeric: ['<', 6e9] }] }, reason: /Value must be between/ },
  { name: 'anything-but with mixed types', pattern: { s: [{ 'anything-but': ['a', 1] }] }, reason: /mixed type is not supported/ },
  { name: 'anything-but with null in the list', pattern: { s: [{ 'anything-but': [null] }] }, reason: /start\|null\|boolean is not supported/ },
  { name: 'anything-but with an empty list', pattern: { s: [{ 'anything-but': [] }] }, reason: /either all values are number or string/ },
  { name: 'anything-but with a boolean', pattern: { s: [{ 'anything-but': true }] }, reason: /must be an array or single string\/number value/ },
  { name: 'anything-but with exists', pattern: { s: [{ 'anything-but': { exists: true } }] }, reason: /Unsupported anything-but pattern: exists/ },
  { name: 'anything-but with numeric', pattern: { s: [{ 'anything-but': { numeric: ['>', 1] } }] }, reason: /Unsupported anything-but pattern: numeric/ },
  { name: 'anything-but with an empty prefix', pattern: { s: [{ 'anything-but': { prefix: '' } }] }, reason: /Null prefix\/suffix not allowed/ },
  { name: 'anything-but prefix with a number', pattern: { s: [{ 'anything-but': { prefix: 5 } }] }, reason: /prefix match pattern must be a string/ },
  { name: 'anything-but with a bad wildcard', pattern: { s: [{ 'anything-but': { wildcard: '**' } }] }, reason: /Consecutive wildcard/ },
  { name: 'anything-but with two operators', pattern: { s: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] }, reason: /Only one key allowed/ },
  {
    name: 'anything-but equals-ignore-case with a number',
    pattern: { s: [{ 'anything-but': { 'equals-ignore-case': 5 } }] },
    reason: /number\|start\|null\|boolean is not supported/,
  },
  { name: 'cidr without a mask', pattern: { ip: [{ cidr: '10.0.0.0' }] }, reason: /one '\/' required/ },
  { name: 'cidr with a non-numeric mask', pattern: { ip: [{ cidr: '10.0.0.0/abc' }] }, reason: /mask bits must be an integer/ },
  { name: 'cidr with an IPv4 mask of 33', pattern: { ip: [{ cidr: '10.0.0.0/33' }] }, reason: /IPv4 mask bits must be < 32/ },
  { name: 'cidr with an invalid address', pattern: { ip: [{ cidr: '300.0.0.0/8' }] }, reason: /Invalid IP address/ },
  { name: 'cidr with a host name', pattern: { ip: [{ cidr: 'example.com/8' }] }, reason: /Invalid IP address/ },
  { name: 'cidr with a number', pattern: { ip: [{ cidr: 10 }] }, reason: /cidr match pattern must be a string/ },
  { name: '$or that is not an array', pattern: { $or: { a: ['x'] } }, reason: /It must be an Array followed with \$or/ },
  { name: '$or with one branch', pattern: { $or: [{ a: ['x'] }] }, reason: /at least 2 Objects/ },
  { name: '$or with a non-object branch', pattern: { $or: [{ a: ['x'] }, ['b']] }, reason: /Only JSON object is allowed/ },
  { name: '$or with an empty branch', pattern: { $or: [{ a: ['x'] }, {}] }, reason: /Empty objects/ },
  { name: 'an operator name as a field inside $or', pattern: { $or: [{ prefix: ['x'] }, { b: ['y'] }] }, reason: /prefix is Ruler reserved fieldName/ },
  { name: 'a numeric operator as a field deeper inside $or', pattern: { $or: [{ detail: { '>': [1] } }, { b: ['y'] }] }, reason: /> is Ruler reserved fieldName/ },
  { name: 'an invalid value inside $or', pattern: { detail: { $or: [{ a: 'x' }, { b: ['y'] }] } }, reason: /"a" must be an object or an array/ },
];

describe('validateEventPattern', () => {
  it.each(invalid)('rejects $name', ({ pattern, reason }) => {
    let error: unknown;
    try {
      validateEventPattern(pattern);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEventPatternError);
    expect((error as Error).message).toMatch(/^Event pattern is not valid\. Reason: /);
    expect((error as Error).message).toMatch(reason);
  });

  it.each([
    ['an operator name as an ordinary field outside $or', { detail: { prefix: ['x'], numeric: [1] } }],
    ['a field named exists holding an object', { detail: { exists: { nested: [true] } } }],
    ['a cidr with mask 0', { ip: [{ cidr: '0.0.0.0/0' }] }],
    ['an IPv6 cidr', { ip: [{ cidr: '2001:db8::/127' }] }],
    ['numeric at the limits', { n: [{ numeric: ['>=', -5e9, '<=', 5e9] }] }],
    ['anything-but prefix list', { s: [{ 'anything-but': { prefix: ['a', 'b'] } }] }],
    ['an empty prefix', { s: [{ prefix: '' }] }],
    ['a numeric literal too large for numeric matching (an account id)', { account: [123456789012] }],
  ])('accepts %s', (_name, pattern) => {
    expect(() => validateEventPattern(pattern)).not.toThrow();
  });
});
