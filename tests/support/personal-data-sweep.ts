/**
 * SEC-2's sweep: after the end-to-end suite, every copy a request left behind is searched for the
 * personal data the tests sent — every item of every table (as DynamoDB returns it), and every file
 * of the local cloud's state: the event archive, every queue's and DLQ's journal (messages deleted
 * since included), every function's log, the local KMS. Finds nothing when personal data rests only
 * as ciphertext or keyed hashes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';

/**
 * The personal data the e2e tests send (names, phones in the forms they are written and normalised,
 * address lines, email local parts) and the payment tokens (never in clear outside payments' sealed
 * field). Keep in step with the tests: a new fixture value belongs here.
 */
export const PERSONAL_STRINGS = [
  '李华',
  '韩梅梅',
  '赵敏',
  '王芳',
  '李雷',
  '13800138000',
  '13900000000',
  '13800000000',
  '139 0000 0000',
  '138 0013 8000',
  '138 0000 0000',
  '网商路',
  '预售路',
  '支付路',
  '风控路',
  '中山路1号',
  'li.hua.',
  'zhao.min@',
  'presale.',
  'buyer.',
  'tok_visa',
  'tok_wallet',
  'tok_chargeDeclined',
  'tok_insufficientFunds',
] as const;

export interface SweepHit {
  readonly where: string;
  readonly found: string;
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.isFile() ? [full] : [];
  });
}

/** Every place (table or file) holding one of `strings`, and which. */
export async function sweepForPersonalData(input: { dynamodb: DynamoDBClient; tableNames: readonly string[]; dataDir: string; strings?: readonly string[] }): Promise<SweepHit[]> {
  const strings = input.strings ?? PERSONAL_STRINGS;
  const hits: SweepHit[] = [];
  const search = (where: string, text: string) => {
    for (const s of strings) if (text.includes(s)) hits.push({ where, found: s });
  };
  for (const table of input.tableNames) {
    for await (const page of paginateScan({ client: input.dynamodb }, { TableName: table })) {
      for (const item of page.Items ?? []) {
        // both as stored and with JSON escapes undone (a value inside a JSON string attribute)
        const text = JSON.stringify(item);
        search(`table ${table}`, text + unescapeJson(text));
      }
    }
  }
  for (const file of filesUnder(input.dataDir)) {
    const raw = fs.readFileSync(file).toString('utf8');
    search(`file ${path.relative(input.dataDir, file)}`, raw + unescapeJson(raw));
  }
  return [...new Map(hits.map((h) => [`${h.where}\n${h.found}`, h])).values()];
}

/** `\uXXXX` escapes decoded, so escaped non-ASCII text is found too. */
function unescapeJson(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
