import { expect } from 'vitest';

/** Checks the structure a PDF reader relies on: header, objects at the xref's offsets, trailer, startxref. */
export function expectWellFormedPdf(pdf: Buffer): void {
  const text = pdf.toString('latin1');
  expect(text.startsWith('%PDF-1.4\n')).toBe(true);
  expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
  const startxref = Number(/startxref\n(\d+)\n%%EOF\s*$/.exec(text)?.[1]);
  expect(text.slice(startxref, startxref + 4)).toBe('xref');
  const xref = /xref\n0 (\d+)\n([\s\S]*?)trailer\n<< \/Size (\d+) \/Root 1 0 R/.exec(text.slice(startxref));
  expect(xref).not.toBeNull();
  const count = Number(xref![1]);
  expect(Number(xref![3])).toBe(count);
  const entries = xref![2]!.split('\n').filter((l) => l !== '');
  expect(entries).toHaveLength(count);
  entries.slice(1).forEach((entry, i) => {
    const offset = Number(entry.slice(0, 10));
    expect(text.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
  });
  for (const match of text.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
    const start = match.index + match[0].length;
    expect(text.slice(start + Number(match[1]), start + Number(match[1]) + '\nendstream'.length)).toBe('\nendstream');
  }
}
