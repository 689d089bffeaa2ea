/**
 * EventBridge rule schedule expressions, locally: `rate(value unit)` and AWS's six-field
 * `cron(minutes hours day-of-month month day-of-week year)`, always in UTC, with one-minute
 * resolution ("Schedule expressions for rules" in the EventBridge user guide).
 *
 * Cron syntax accepted (as AWS documents it):
 *
 * | field        | values                 | wildcards        |
 * |--------------|------------------------|------------------|
 * | minutes      | 0-59                   | , - * /          |
 * | hours        | 0-23                   | , - * /          |
 * | day-of-month | 1-31                   | , - * ? / L W    |
 * | month        | 1-12 or JAN-DEC        | , - * /          |
 * | day-of-week  | 1-7 or SUN-SAT (1=SUN) | , - * ? L #      |
 * | year         | 1970-2199              | , - * /          |
 *
 * - Exactly one of day-of-month and day-of-week is `?`.
 * - Ranges may wrap (`20-2` in hours is 20,21,22,23,0,1,2; `FRI-MON`), except years.
 * - `a/n`, `*` + `/n` and `a-b/n` step through the field from `a` (or its minimum).
 * - Day-of-month: `L` (last day), `LW` (last weekday), `nW` (weekday nearest day n, never
 *   crossing into another month). Day-of-week: `L` alone (the last day of the week: 7, Saturday), `xL` (last weekday x of the
 *   month, e.g. `6L` last Friday), `x#n` (n-th weekday x, e.g. `3#2` second Tuesday). These forms
 *   stand alone in their field (no lists).
 *
 * Pure: no I/O; the only clock read is the default start of a rate schedule.
 */

/** A parsed schedule: `next(after)` is the first fire time strictly after `after`, or undefined if there is none. */
export interface ScheduleExpression {
  kind: 'rate' | 'cron';
  next(after: Date): Date | undefined;
}

const MINUTE_MS = 60_000;
const RATE_UNITS: Record<string, { ms: number; singular: boolean }> = {
  minute: { ms: MINUTE_MS, singular: true },
  minutes: { ms: MINUTE_MS, singular: false },
  hour: { ms: 60 * MINUTE_MS, singular: true },
  hours: { ms: 60 * MINUTE_MS, singular: false },
  day: { ms: 24 * 60 * MINUTE_MS, singular: true },
  days: { ms: 24 * 60 * MINUTE_MS, singular: false },
};
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/**
 * Parses an EventBridge schedule expression; throws an Error naming the problem if it is invalid.
 *
 * Rate alignment: a rate schedule starts at `options.start` (default: when this function is
 * called, i.e. when the local cloud creates the rule), truncated to the whole minute since
 * EventBridge schedules have one-minute resolution. It fires at start + k × period for k ≥ 1; the
 * first fire is one period after the start, so restarting the local cloud never fires a burst.
 */
export function parseScheduleExpression(expression: string, options: { start?: Date } = {}): ScheduleExpression {
  if (typeof expression !== 'string') throw new Error('Schedule expression must be a string');
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) return parseRate(expression, rate[1] as string, options.start ?? new Date());
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return parseCron(expression, cron[1] as string);
  throw new Error(`Schedule expression ${JSON.stringify(expression)} is not valid: it must be rate(value unit) or cron(minutes hours day-of-month month day-of-week year)`);
}

// ---------------------------------------------------------------------------------------------
// rate()
// ---------------------------------------------------------------------------------------------

function parseRate(expression: string, body: string, start: Date): ScheduleExpression {
  const invalid = (reason: string): never => {
    throw new Error(`Schedule expression ${JSON.stringify(expression)} is not valid: ${reason}`);
  };
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 2) invalid('a rate expression has two fields, rate(value unit)');
  const [valueText, unitText] = parts as [string, string];
  if (!/^[0-9]+$/.test(valueText) || Number(valueText) < 1) invalid(`the value ${JSON.stringify(valueText)} must be a positive whole number`);
  const value = Number(valueText);
  const unit = RATE_UNITS[unitText];
  if (!unit || !Object.hasOwn(RATE_UNITS, unitText)) return invalid(`the unit ${JSON.stringify(unitText)} must be minute(s), hour(s) or day(s)`);
  if (value === 1 && !unit.singular) invalid(`a value of 1 needs a singular unit (${unitText.slice(0, -1)}), not ${unitText}`);
  if (value > 1 && unit.singular) invalid(`a value over 1 needs a plural unit (${unitText}s), not ${unitText}`);
  if (Number.isNaN(start.getTime())) invalid('the start time of the schedule is not a valid date');
  const period = value * unit.ms;
  const origin = Math.floor(start.getTime() / MINUTE_MS) * MINUTE_MS;
  return {
    kind: 'rate',
    next(after) {
      const k = Math.max(1, Math.floor((after.getTime() - origin) / period) + 1);
      return new Date(origin + k * period);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// cron()
// ---------------------------------------------------------------------------------------------

interface FieldDef {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Whether ranges may wrap around (e.g. hours 20-2). */
  wraps: boolean;
  /** Whether `/` increments are allowed. */
  steps: boolean;
}

const FIELDS = {
  minutes: { name: 'minutes', min: 0, max: 59, wraps: true, steps: true },
  hours: { name: 'hours', min: 0, max: 23, wraps: true, steps: true },
  dayOfMonth: { name: 'day-of-month', min: 1, max: 31, wraps: true, steps: true },
  month: { name: 'month', min: 1, max: 12, names: MONTH_NAMES, wraps: true, steps: true },
  dayOfWeek: { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, wraps: true, steps: false },
  year: { name: 'year', min: 1970, max: 2199, wraps: false, steps: true },
} satisfies Record<string, FieldDef>;

type DayOfMonth = { kind: 'any' } | { kind: 'set'; days: Set<number> } | { kind: 'last' } | { kind: 'lastWeekday' } | { kind: 'nearestWeekday'; day: number };
type DayOfWeek = { kind: 'any' } | { kind: 'set'; days: Set<number> } | { kind: 'last'; day: number } | { kind: 'nth'; day: number; nth: number };

interface CronSpec {
  minutes: Set<number>;
  hours: Set<number>;
  dayOfMonth: DayOfMonth;
  months: Set<number>;
  dayOfWeek: DayOfWeek;
  years: number[];
}

function parseCron(expression: string, body: string): ScheduleExpression {
  const invalid = (reason: string): never => {
    throw new Error(`Schedule expression ${JSON.stringify(expression)} is not valid: ${reason}`);
  };
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) invalid(`a cron expression has six fields (minutes hours day-of-month month day-of-week year), found ${body.trim() ? fields.length : 0}`);
  const [minutes, hours, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) invalid('exactly one of day-of-month and day-of-week must be ?');
  const spec: CronSpec = {
    minutes: parseField(minutes, FIELDS.minutes, invalid),
    hours: parseField(hours, FIELDS.hours, invalid),
    dayOfMonth: parseDayOfMonth(dom, invalid),
    months: parseField(month, FIELDS.month, invalid),
    dayOfWeek: parseDayOfWeek(dow, invalid),
    years: [...parseField(year, FIELDS.year, invalid)].sort((a, b) => a - b),
  };
  return { kind: 'cron', next: (after) => nextCronTime(spec, after) };
}

function parseValue(text: string, def: FieldDef, invalid: (reason: string) => never): number {
  const named = def.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + def.min;
  if (!/^[0-9]+$/.test(text)) invalid(`${JSON.stringify(text)} is not a valid ${def.name} value`);
  const value = Number(text);
  if (value < def.min || value > def.max) invalid(`${def.name} value ${value} is outside ${def.min}-${def.max}`);
  return value;
}

/** Parses a plain field: `*`, values, names, ranges (wrapping where allowed), lists and increments. */
function parseField(text: string, def: FieldDef, invalid: (reason: string) => never): Set<number> {
  const values = new Set<number>();
  const size = def.max - def.min + 1;
  for (const item of text.split(',')) {
    if (item === '') invalid(`empty item in ${def.name} field ${JSON.stringify(text)}`);
    if (item === '?') invalid(`? is only allowed in the day-of-month and day-of-week fields`);
    if (/[LW#]/i.test(item.replace(/[A-Z]{3}/gi, (name) => (def.names?.includes(name.toUpperCase()) ? '' : name)))) {
      invalid(`${JSON.stringify(item)}: L, W and # are only allowed alone in the day-of-month or day-of-week field`);
    }
    const [rangeText, stepText, extra] = item.split('/');
    if (extra !== undefined) invalid(`${JSON.stringify(item)} has more than one /`);
    let step = 1;
    if (stepText !== undefined) {
      if (!def.steps) invalid(`increments (/) are not allowed in the ${def.name} field`);
      if (!/^[0-9]+$/.test(stepText) || Number(stepText) < 1 || Number(stepText) > size) invalid(`increment ${JSON.stringify(stepText)} in ${def.name} must be 1-${size}`);
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (rangeText === '*') {
      from = def.min;
      to = def.max;
    } else {
      const bounds = (rangeText as string).split('-');
      if (bounds.length > 2) invalid(`${JSON.stringify(item)} is not a valid ${def.name} range`);
      from = parseValue(bounds[0] as string, def, invalid);
      // `a/n` runs from a to the end of the field; a single value is a range of one
      to = bounds.length === 2 ? parseValue(bounds[1] as string, def, invalid) : stepText !== undefined ? def.max : from;
      if (from > to && !def.wraps) invalid(`${def.name} range ${JSON.stringify(rangeText)} runs backwards`);
    }
    const length = ((to - from + size) % size) + 1;
    for (let offset = 0; offset < length; offset += step) values.add(def.min + ((from - def.min + offset) % size));
  }
  return values;
}

function parseDayOfMonth(text: string, invalid: (reason: string) => never): DayOfMonth {
  if (text === '?') return { kind: 'any' };
  if (text === 'L') return { kind: 'last' };
  if (text === 'LW') return { kind: 'lastWeekday' };
  const weekday = /^([0-9]+)W$/.exec(text);
  if (weekday) return { kind: 'nearestWeekday', day: parseValue(weekday[1] as string, FIELDS.dayOfMonth, invalid) };
  return { kind: 'set', days: parseField(text, FIELDS.dayOfMonth, invalid) };
}

function parseDayOfWeek(text: string, invalid: (reason: string) => never): DayOfWeek {
  if (text === '?') return { kind: 'any' };
  // `L` alone is the last day of the week: every Saturday
  if (text === 'L') return { kind: 'set', days: new Set([7]) };
  const last = /^([0-9]+|[A-Za-z]{3})L$/.exec(text);
  if (last) return { kind: 'last', day: parseValue(last[1] as string, FIELDS.dayOfWeek, invalid) };
  const nth = /^([0-9]+|[A-Za-z]{3})#([0-9]+)$/.exec(text);
  if (nth) {
    const n = Number(nth[2]);
    if (n < 1 || n > 5) invalid(`${JSON.stringify(text)}: the week number after # must be 1-5`);
    return { kind: 'nth', day: parseValue(nth[1] as string, FIELDS.dayOfWeek, invalid), nth: n };
  }
  if (text.includes('#')) invalid(`${JSON.stringify(text)}: a # expression must stand alone in the day-of-week field`);
  return { kind: 'set', days: parseField(text, FIELDS.dayOfWeek, invalid) };
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
/** AWS numbering: 1 = Sunday … 7 = Saturday. */
const weekdayOf = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;

function dayMatches(spec: CronSpec, year: number, month: number, day: number): boolean {
  const dim = daysInMonth(year, month);
  const weekday = weekdayOf(year, month, day);
  const dom = spec.dayOfMonth;
  switch (dom.kind) {
    case 'set':
      return dom.days.has(day);
    case 'last':
      return day === dim;
    case 'lastWeekday': {
      const lastWeekday = weekdayOf(year, month, dim);
      return day === (lastWeekday === 7 ? dim - 1 : lastWeekday === 1 ? dim - 2 : dim);
    }
    case 'nearestWeekday': {
      if (dom.day > dim) return false;
      const w = weekdayOf(year, month, dom.day);
      let target = dom.day;
      if (w === 7) target = dom.day === 1 ? 3 : dom.day - 1;
      else if (w === 1) target = dom.day === dim ? dom.day - 2 : dom.day + 1;
      return day === target;
    }
    case 'any':
      break;
  }
  const dow = spec.dayOfWeek;
  switch (dow.kind) {
    case 'set':
      return dow.days.has(weekday);
    case 'last':
      return weekday === dow.day && day + 7 > dim;
    case 'nth':
      return weekday === dow.day && Math.ceil(day / 7) === dow.nth;
    case 'any':
      return true;
  }
}

function nextInSet(values: Set<number>, from: number, max: number): number | undefined {
  for (let v = from; v <= max; v++) if (values.has(v)) return v;
  return undefined;
}

/** The first minute strictly after `after` that the cron spec selects, or undefined past 2199. */
function nextCronTime(spec: CronSpec, after: Date): Date | undefined {
  if (Number.isNaN(after.getTime())) return undefined;
  let t = new Date(Math.floor(after.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
  const at = (y: number, mo: number, d: number, h: number, mi: number) => new Date(Date.UTC(y, mo - 1, d, h, mi));
  // Each step moves t forward to the next candidate; bounded because years end at 2199.
  for (;;) {
    const y = t.getUTCFullYear();
    const mo = t.getUTCMonth() + 1;
    const d = t.getUTCDate();
    const h = t.getUTCHours();
    const mi = t.getUTCMinutes();
    if (!spec.years.includes(y)) {
      const year = spec.years.find((candidate) => candidate > y);
      if (year === undefined) return undefined;
      t = at(year, 1, 1, 0, 0);
      continue;
    }
    if (!spec.months.has(mo)) {
      const month = nextInSet(spec.months, mo + 1, 12);
      t = month === undefined ? at(y + 1, 1, 1, 0, 0) : at(y, month, 1, 0, 0);
      continue;
    }
    if (!dayMatches(spec, y, mo, d)) {
      t = at(y, mo, d + 1, 0, 0);
      continue;
    }
    if (!spec.hours.has(h)) {
      const hour = nextInSet(spec.hours, h + 1, 23);
      t = hour === undefined ? at(y, mo, d + 1, 0, 0) : at(y, mo, d, hour, 0);
      continue;
    }
    const minute = nextInSet(spec.minutes, mi, 59);
    if (minute === undefined) {
      t = at(y, mo, d, h + 1, 0);
      continue;
    }
    return at(y, mo, d, h, minute);
  }
}
