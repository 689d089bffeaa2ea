/** Free-text validation shared by the capabilities' schemas (catalog names, fraud reasons and notes, checkout addresses). */
import { describe, expect, it } from 'vitest';
import { freeText, hasNoControlCharacters } from '../../../shared/text.ts';

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
