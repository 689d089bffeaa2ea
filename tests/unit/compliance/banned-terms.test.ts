import { describe, expect, it } from 'vitest';
import { findBannedTerms, normalizeForMatching } from '../../../functions/compliance/domain/banned-terms.ts';
import { DEFAULT_BANNED_ADVERTISING_TERMS } from '../../../shared/config.ts';

const terms = DEFAULT_BANNED_ADVERTISING_TERMS;

describe('CMP-1 banned advertising terms', () => {
  it.each<[string, string, unknown, string[]]>([
    ['clean listing', '明前西湖龙井 250g', { weightGrams: 300 }, []],
    ['最有效 in the name', '最有效的祛痘精华', {}, ['最有效']],
    ['国家级 in the name', '国家级非遗 手工茶具', {}, ['国家级']],
    ['最佳 in the name', '最佳空气净化器', {}, ['最佳']],
    ['several terms, reported once each, sorted', '顶级 最佳 最佳 面霜 第一品牌', {}, ['最佳', '第一', '顶级'].sort()],
    ['a term split by whitespace', '最 佳 选择', {}, ['最佳']],
    ['a term split by a zero-width space', '国\u200B家级', {}, ['国家级']],
    ['a term in an attribute string', 'Face cream', { claims: ['温和', '万能修复'] }, ['万能']],
    ['a term in a nested attribute', 'Face cream', { details: { tagline: '独一无二' } }, ['独一无二']],
    ['numbers and booleans are not text', 'Kettle', { weightGrams: 1, fresh: true }, []],
  ])('%s', (_label, name, attributes, expected) => {
    expect(findBannedTerms({ name, attributes }, terms)).toEqual(expected);
  });

  it.each([
    ['BEST EVER serum', ['best ever']],
    ['Best Ever serum', ['best ever']],
    ['ＮＯ．１ seller', ['No.1']],
    ['no.1 seller', ['No.1']],
  ])('is case-insensitive and width-insensitive: %s', (name, expected) => {
    expect(findBannedTerms({ name }, ['No.1', 'best ever'])).toEqual(expected);
  });

  it('uses only the configured list; empty terms are ignored', () => {
    expect(findBannedTerms({ name: '最佳' }, [])).toEqual([]);
    expect(findBannedTerms({ name: '最佳' }, ['', '  '])).toEqual([]);
    expect(findBannedTerms({ name: 'organic' }, ['Organic'])).toEqual(['Organic']);
  });

  it('normalises NFKC, lower-case, no whitespace', () => {
    expect(normalizeForMatching(' Ａ b\tC ')).toBe('abc');
  });
});

describe('CMP-1 banned terms are matched word-aware, with an allowlist (no false positives)', () => {
  it.each<[string, string[]]>([
    ['第一次购买立减', []],
    ['新手第一步：先温杯', []],
    ['第一批明前茶 第一时间发货', []],
    ['第一品牌', ['第一']],
    ['第一次就选第一品牌', ['第一']],
    ['行业第 一', ['第一']],
  ])('%s', (name, expected) => {
    expect(findBannedTerms({ name }, DEFAULT_BANNED_ADVERTISING_TERMS)).toEqual(expected);
  });

  it('a Latin term matches only as a word: "best" is not in "bestow", "no.1" not in "no.10"', () => {
    expect(findBannedTerms({ name: 'Bestow a gift' }, ['best'])).toEqual([]);
    expect(findBannedTerms({ name: 'the best gift' }, ['best'])).toEqual(['best']);
    expect(findBannedTerms({ name: 'Model no.10' }, ['No.1'])).toEqual([]);
    expect(findBannedTerms({ name: 'B e s t gift' }, ['best'])).toEqual(['best']);
  });

  it('the allowlist is configurable: an empty one flags every occurrence', () => {
    expect(findBannedTerms({ name: '第一次购买' }, ['第一'], [])).toEqual(['第一']);
  });
});
