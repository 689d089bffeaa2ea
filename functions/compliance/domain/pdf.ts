/**
 * A small, correct PDF 1.4 writer for text reports (CMP-2), no dependency: pages of lines in the
 * standard Helvetica font (WinAnsi; characters outside printable ASCII become `?` — the HTML
 * report carries the Chinese text), a catalog, a page tree, one content stream per page, and a
 * cross-reference table whose byte offsets are exact, then the trailer. Pure.
 */

/** One line of the report: text, and whether it is a heading. */
export interface PdfLine {
  readonly text: string;
  readonly heading?: boolean;
}

const PAGE_WIDTH = 595; // A4 in points
const PAGE_HEIGHT = 842;
const MARGIN = 50;
const LINE_HEIGHT = 14;
const MAX_CHARS = 95;

/** Printable ASCII only, with PDF string escapes. */
function pdfText(text: string): string {
  const ascii = [...text].map((c) => (c >= ' ' && c <= '~' ? c : '?')).join('');
  return ascii.replace(/[\\()]/g, (c) => `\\${c}`);
}

/** Long lines wrapped at {@link MAX_CHARS}. */
function wrap(lines: readonly PdfLine[]): PdfLine[] {
  const out: PdfLine[] = [];
  for (const line of lines) {
    let rest = line.text;
    do {
      out.push({ text: rest.slice(0, MAX_CHARS), ...(line.heading ? { heading: true } : {}) });
      rest = rest.slice(MAX_CHARS);
    } while (rest.length > 0);
  }
  return out;
}

/** The PDF document of `lines`, titled `title`. */
export function renderPdf(title: string, lines: readonly PdfLine[]): Buffer {
  const perPage = Math.floor((PAGE_HEIGHT - 2 * MARGIN) / LINE_HEIGHT);
  const wrapped = wrap(lines);
  const pages: PdfLine[][] = [];
  for (let i = 0; i < Math.max(wrapped.length, 1); i += perPage) pages.push(wrapped.slice(i, i + perPage));

  // Objects: 1 catalog, 2 page tree, 3 font, 4 bold font, 5 info, then (page, content) per page.
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 6 + 2 * i);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>';
  objects[5] = `<< /Title (${pdfText(title)}) /Producer (serverless-commerce compliance report) >>`;
  pages.forEach((page, i) => {
    const content = ['BT', `${MARGIN} ${PAGE_HEIGHT - MARGIN} Td`, `${LINE_HEIGHT} TL`];
    for (const line of page) content.push(`${line.heading ? '/F2 12' : '/F1 10'} Tf`, `(${pdfText(line.text)}) '`);
    content.push('ET');
    const stream = content.join('\n');
    objects[pageIds[i]!] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageIds[i]! + 1} 0 R >>`;
    objects[pageIds[i]! + 1] = `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`;
  });

  let body = '%PDF-1.4\n%\xE2\xE3\xCF\xD3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(body, 'latin1');
    body += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xrefAt = Buffer.byteLength(body, 'latin1');
  const count = objects.length;
  body += `xref\n0 ${count}\n0000000000 65535 f \n`;
  for (let id = 1; id < count; id++) body += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${count} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
