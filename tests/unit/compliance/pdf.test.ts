import { describe, expect, it } from 'vitest';
import { renderPdf } from '../../../functions/compliance/domain/pdf.ts';
import { expectWellFormedPdf } from '../../support/pdf.ts';

describe('the PDF writer of the yearly report (CMP-2)', () => {
  it('CMP-2: writes a well-formed PDF (header, exact xref offsets, stream lengths, trailer) with the text, escaped', () => {
    const pdf = renderPdf('Report (test)', [{ text: 'Findings', heading: true }, { text: 'critical 1, high 2 (a\\b)' }]);
    expectWellFormedPdf(pdf);
    expect(pdf.toString('latin1')).toContain("(critical 1, high 2 \\(a\\\\b\\)) '");
  });

  it('CMP-2: pages long reports, wraps long lines and replaces non-ASCII characters', () => {
    const lines = Array.from({ length: 130 }, (_, i) => ({ text: `line ${i} ${'x'.repeat(i % 3 === 0 ? 150 : 10)} 国家级` }));
    const pdf = renderPdf('Long', lines);
    expectWellFormedPdf(pdf);
    const text = pdf.toString('latin1');
    expect(Number(/\/Count (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(3);
    expect(text).toContain('(line 1 xxxxxxxxxx ???) ');
    expect(text).toContain('line 129');
  });
});
