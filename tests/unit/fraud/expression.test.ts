/**
 * RISK-4: rule conditions are data in a small, safe expression language — parsed and type-checked
 * when saved, evaluated by a tree walk; anything unsafe or malformed is refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpression, evaluateExpression, EvaluationError, EXPRESSION_LIMITS, ExpressionError, tokenize } from '../../../functions/fraud/domain/expression.ts';
import { FEATURE_CATALOG, normaliseFeatures } from '../../../functions/fraud/domain/features.ts';

const features = normaliseFeatures({
  amount: 250_000,
  accountAgeHours: 3.5,
  velocityDevice24h: 6,
  paymentMethod: 'card',
  emailDomain: 'mailinator.com',
  disposableEmail: true,
  regionMismatch: false,
  amountZScore: -1.25,
  billingRegion: "o'neil",
});

const evaluate = (source: string) => evaluateExpression(compileExpression(source), features);

describe('expression language: evaluation (RISK-4)', () => {
  it.each([
    ['amount >= 200_000', true],
    ['amount > 250000', false],
    ['amount == 250000', true],
    ['amount != 250000', false],
    ['amount < 250_000.5', true],
    ['amount <= 249_999', false],
    ['accountAgeHours < 24 and amount >= 200_000', true],
    ['accountAgeHours < 1 and amount >= 200_000', false],
    ['accountAgeHours < 1 or amount >= 200_000', true],
    ['not regionMismatch', true],
    ['not not regionMismatch', false],
    ['disposableEmail', true],
    ['disposableEmail == true', true],
    ['regionMismatch == false', true],
    ['paymentMethod == "card"', true],
    ["paymentMethod == 'card'", true],
    ['paymentMethod in ["card", "wallet"]', true],
    ['paymentMethod not in ["card", "wallet"]', false],
    ['paymentMethod in ["cod"]', false],
    ['velocityDevice24h in [5, 6, 7]', true],
    ['amountZScore < -1', true],
    ['amountZScore > -1.25', false],
    ['(amount > 1 or regionMismatch) and not (velocityDevice24h > 10)', true],
    ['amount > 1 and regionMismatch or disposableEmail', true],
    ['amount > 1 and (regionMismatch or disposableEmail)', true],
    ['amount > 1 and (regionMismatch or not disposableEmail)', false],
    ["billingRegion == 'o\\'neil'", true],
    ['billingRegion == "o\'neil"', true],
    ['emailDomain == "mailinator.com"', true],
    ['true', true],
    ['false or true and false', false],
    ['velocityIp1h == 0', true],
  ])('%s → %s', (source, expected) => {
    expect(evaluate(source)).toBe(expected);
  });

  it('and binds tighter than or; or/and are short-circuit and n-ary', () => {
    const compiled = compileExpression('amount > 1 or amount > 2 or amount > 3 and regionMismatch');
    expect(compiled.root.kind).toBe('or');
    expect((compiled.root as unknown as { operands: unknown[] }).operands).toHaveLength(3);
  });

  it('records the features it reads', () => {
    expect(compileExpression('amount > 1 and (velocityDevice1h > 2 or amount < 5)').features).toEqual(['amount', 'velocityDevice1h']);
  });

  it('a feature missing at evaluation time is an EvaluationError, not a silent false', () => {
    const compiled = compileExpression('amount > 1');
    expect(() => evaluateExpression(compiled, Object.create(null))).toThrow(EvaluationError);
    expect(() => evaluateExpression(compiled, { amount: 'x' } as never)).toThrow(EvaluationError);
  });
});

describe('expression language: rejects anything unsafe or malformed (RISK-4)', () => {
  it.each([
    // names outside the feature catalogue, including prototype tricks and globals
    ['unknownFeature > 1', 'Unknown feature name'],
    ['constructor', 'Unknown feature name'],
    ['__proto__ == 1', 'Unexpected character'],
    ['toString == "x"', 'Unknown feature name'],
    ['hasOwnProperty', 'Unknown feature name'],
    ['process', 'Unknown feature name'],
    ['globalThis', 'Unknown feature name'],
    ['eval', 'Unknown feature name'],
    // property access, calls, indexing
    ['amount.constructor', 'Property access is not allowed'],
    ['features.amount > 1', 'Property access is not allowed'],
    ['amount.toString() == "1"', 'Property access is not allowed'],
    ['amount() > 1', 'Calls are not allowed'],
    ['amount[0] > 1', 'Indexing is not allowed'],
    ['(amount)(1)', 'calls are not allowed'],
    // assignment, arithmetic and JavaScript operators
    ['amount = 1', 'Assignment is not allowed'],
    ['amount + 1 > 2', 'Unexpected character'],
    ['amount - 1 > 2', 'Unexpected token'],
    ['amount * 2 > 2', 'Unexpected character'],
    ['-amount > 2', 'Arithmetic is not allowed'],
    ['amount > 1 && regionMismatch', 'Unexpected character'],
    ['amount > 1 || regionMismatch', 'Unexpected character'],
    ['!regionMismatch', 'Use the keyword not'],
    ['amount === 1', 'Assignment is not allowed'],
    ['amount > 1 ? 1 : 0', 'Unexpected character'],
    ['`amount`', 'Unexpected character'],
    ['amount > 1; process.exit()', 'Unexpected character'],
    ['{}', 'Unexpected character'],
    ['amount > 1e5', 'Malformed number'],
    ['amount > 0x10', 'Malformed number'],
    ['amount > 1.', 'Malformed number'],
    ['amount > 99999999999999999', 'Number out of range'],
    // strings
    ['emailDomain == "abc', 'Unterminated string'],
    ['emailDomain == "a\\nb"', 'Unsupported escape'],
    ['emailDomain == "a\u0000b"', 'Control character'],
    ['emailDomain == "\\u0061"', 'Unsupported escape'],
    // types
    ['amount', 'must be true or false'],
    ['"text"', 'must be true or false'],
    ['amount > "1"', 'needs numbers'],
    ['emailDomain > "a"', 'needs numbers'],
    ['amount == "1"', 'compares a number with a string'],
    ['regionMismatch == 1', 'compares a boolean with a number'],
    ['amount and regionMismatch', '"and" needs a boolean'],
    ['regionMismatch or amount', '"or" needs a boolean'],
    ['not amount', '"not" needs a boolean'],
    ['amount in ["1"]', 'List item is a string'],
    ['amount in [amount]', 'Lists hold literals only'],
    ['amount in 1', 'needs a list'],
    ['amount in [1 2]', 'Expected "," or "]"'],
    ['amount in []', 'Lists hold literals only'],
    // structure
    ['', 'empty'],
    ['   ', 'empty'],
    ['amount > 1 regionMismatch', 'Unexpected token'],
    ['amount > 1 > 0', 'Unexpected token'],
    ['(amount > 1', 'Expected ")"'],
    ['amount > 1)', 'Unexpected token'],
    ['and', 'Unexpected token'],
    ['amount >', 'Unexpected end'],
    ['not in [1]', 'Unexpected token'],
    ['amount 帝 1', 'Unexpected character'],
  ])('%s → %s', (source, message) => {
    let error: unknown;
    try {
      compileExpression(source);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as Error).message.toLowerCase()).toContain(message.toLowerCase());
  });

  it('refuses huge inputs: length, tokens, nesting depth, list size, string length', () => {
    expect(() => compileExpression(`amount > ${'1'.repeat(EXPRESSION_LIMITS.maxLength)}`)).toThrow(/longer than/);
    const manyTokens = Array.from({ length: 140 }, () => 'amount>1').join(' or ');
    expect(manyTokens.length).toBeLessThan(EXPRESSION_LIMITS.maxLength);
    expect(() => compileExpression(manyTokens)).toThrow(/more than 400 tokens/);
    const deep = `${'('.repeat(EXPRESSION_LIMITS.maxDepth + 1)}regionMismatch${')'.repeat(EXPRESSION_LIMITS.maxDepth + 1)}`;
    expect(() => compileExpression(deep)).toThrow(/Nested deeper/);
    const notChain = `${'not '.repeat(EXPRESSION_LIMITS.maxDepth + 1)}regionMismatch`;
    expect(() => compileExpression(notChain)).toThrow(/Nested deeper/);
    const ok = `${'('.repeat(EXPRESSION_LIMITS.maxDepth - 1)}regionMismatch${')'.repeat(EXPRESSION_LIMITS.maxDepth - 1)}`;
    expect(compileExpression(ok).features).toEqual(['regionMismatch']);
    const bigList = `amount in [${Array.from({ length: EXPRESSION_LIMITS.maxListItems + 1 }, (_, i) => i).join(',')}]`;
    expect(() => compileExpression(bigList)).toThrow(/at most 100 items/);
    expect(() => compileExpression(`emailDomain == "${'x'.repeat(EXPRESSION_LIMITS.maxStringLength + 1)}"`)).toThrow(/String longer/);
    expect(() => compileExpression(`${'a'.repeat(65)} > 1`)).toThrow(/Name too long/);
  });

  it('error messages give a position and never echo the source', () => {
    const secret = 'zzSecretNamezz';
    try {
      compileExpression(`amount > 1 and ${secret} > 2`);
      expect.unreachable();
    } catch (error) {
      expect((error as ExpressionError).position).toBe(15);
      expect((error as Error).message).toContain('at character 16');
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it('property: arbitrary text either compiles to a boolean condition or fails with an ExpressionError — never anything else', () => {
    const alphabet = [
      'amount',
      'regionMismatch',
      'emailDomain',
      'constructor',
      ' ',
      '(',
      ')',
      '[',
      ']',
      ',',
      '.',
      '=',
      '==',
      '!=',
      '<',
      '>=',
      'and',
      'or',
      'not',
      'in',
      '"x"',
      "'y'",
      '1',
      '-',
      '2.5',
      'true',
      'false',
      '\\',
      '`',
      ';',
      '{',
      '}',
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.array(fc.constantFrom(...alphabet), { maxLength: 30 }).map((parts) => parts.join(' ')),
        ),
        (source) => {
          try {
            const compiled = compileExpression(source);
            expect(typeof evaluateExpression(compiled, features)).toBe('boolean');
          } catch (error) {
            expect(error).toBeInstanceOf(ExpressionError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('every catalogued feature is usable; the catalogue has no inherited names', () => {
    for (const [name, spec] of Object.entries(FEATURE_CATALOG)) {
      const source = spec.type === 'boolean' ? name : spec.type === 'number' ? `${name} >= 0` : `${name} == ""`;
      expect(compileExpression(source).features).toEqual([name]);
    }
    expect(Object.getPrototypeOf(FEATURE_CATALOG)).toBeNull();
    expect(tokenize('a').at(-1)?.kind).toBe('end');
  });
});
