/** Free-text validation shared by the capabilities' schemas (catalog names, fraud reasons and notes, checkout addresses). */
import { describe, expect, it } from 'vitest';
import { findTextIssues, freeText, hasNoControlCharacters, TEXT_RULES, textIssue } from '../../../shared/text.ts';
import { HOSTILE_CHARACTERS } from '../../support/hostile-text.ts';

describe('free text', () => {
  it('refuses C0, DEL and C1 control characters, accepts any other text', () => {
    for (const bad of ['a\u0000b', 'line\nbreak', 'tab\t', 'del\u007f', 'c1\u0085', 'c1\u009f']) expect(hasNoControlCharacters(bad)).toBe(false);
    for (const good of ['', '李华 杭州', 'emoji 🎉', 'nbsp\u00a0ok', 'quote "\'']) expect(hasNoControlCharacters(good)).toBe(true);
  });

  it('freeText(max): trimmed, 1..max characters, no control characters', () => {
    const schema = freeText(5);
    expect(schema.parse('  abc  ')).toBe('abc');
    expect(schema.safeParse('   ').success).toBe(false);
    expect(schema.safeParse('abcdef').success).toBe(false);
    expect(schema.safeParse('a\u0007b').error?.issues[0]?.message).toBe('Must not contain control characters');
  });
});

describe('SEC-5: characters no request text may carry (surrogates, bidi controls, zero-width, controls)', () => {
  describe.each(HOSTILE_CHARACTERS)('%s: %s', (rule, _name, char) => {
    it.each([
      ['alone', char],
      ['at the start', `${char}王小明`],
      ['in the middle', `王小${char}明`],
      ['at the end', `王小明${char}`],
    ])('textIssue finds it %s', (_where, text) => {
      expect(textIssue(text)).toBe(rule);
      expect(textIssue(text, { allowLineBreaks: true })).toBe(rule);
    });

    it('freeText refuses it, wherever it is, naming the class (never the value)', () => {
      for (const text of [`a${char}b`, `${char}ab`, `ab${char}`]) {
        const result = freeText(50).safeParse(text);
        // U+FEFF at either end is whitespace to trim() and gone before freeText looks (the request-wide check refuses it, below).
        if (char === '\ufeff' && text !== `a${char}b`) continue;
        expect(result.success, JSON.stringify(text)).toBe(false);
        expect(result.error?.issues.map((i) => i.message)).toContain(TEXT_RULES[rule]);
        expect(JSON.stringify(result.error?.issues)).not.toContain(text);
      }
    });

    it('findTextIssues reports it by path, in values and in member names, at any depth', () => {
      expect(findTextIssues({ name: `a${char}b`, ok: 'fine' }, 'body')).toEqual([{ path: 'body.name', message: TEXT_RULES[rule] }]);
      expect(findTextIssues({ items: [{ sku: 'A-1' }, { note: `${char}` }] }, 'body')).toEqual([{ path: 'body.items[1].note', message: TEXT_RULES[rule] }]);
      expect(findTextIssues({ attributes: { [`k${char}`]: 1 } }, 'body')).toEqual([
        { path: 'body.attributes', message: expect.stringMatching(/^Property names must not contain/) },
      ]);
      expect(findTextIssues({ customerId: `c-1${char}` }, 'query')).toEqual([{ path: 'query.customerId', message: TEXT_RULES[rule] }]);
      expect(findTextIssues(`${char}`, 'body')).toEqual([{ path: 'body', message: TEXT_RULES[rule] }]);
    });
  });

  it.each([
    ['Chinese', '王小明 浦东新区世纪大道100号'],
    ['emoji (a valid surrogate pair)', '生日快乐 🎉🎂'],
    ['a rare CJK character outside the BMP', '𠀀𪚥'],
    ['Arabic and Hebrew (right-to-left script without controls)', 'مرحبا שלום'],
    ['no-break space and punctuation', 'nbsp\u00a0ok “quoted” — dash'],
  ])('accepts ordinary text: %s', (_name, text) => {
    expect(textIssue(text)).toBeUndefined();
    expect(freeText(100).safeParse(text).success).toBe(true);
    expect(findTextIssues({ text }, 'body')).toEqual([]);
  });

  it('tab, line feed and carriage return: allowed in structured text (a multi-line rule condition), not in free text', () => {
    for (const char of ['\t', '\n', '\r']) {
      expect(textIssue(`a${char}b`, { allowLineBreaks: true })).toBeUndefined();
      expect(findTextIssues({ condition: `amount > 1${char}and x` }, 'body')).toEqual([]);
      expect(textIssue(`a${char}b`)).toBe('control');
      expect(freeText(10).safeParse(`a${char}b`).success).toBe(false);
    }
  });

  it('numbers, booleans and null carry no text', () => {
    expect(findTextIssues({ a: 1, b: true, c: null, d: [1, 2] }, 'body')).toEqual([]);
  });
});
