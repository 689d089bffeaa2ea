/** The SEC-2 sweep run after the e2e suite finds personal data in any state file, escaped or not. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expect, it } from 'vitest';
import { sweepForPersonalData } from '../../support/personal-data-sweep.ts';

it('SEC-2: finds a planted name in a log, an escaped phone in a queue journal, nothing in ciphertext', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-'));
  try {
    fs.mkdirSync(path.join(dir, 'logs'));
    fs.mkdirSync(path.join(dir, 'sqs'));
    fs.writeFileSync(path.join(dir, 'logs', 'Fn.log'), '{"level":"INFO","message":"order for 李华"}\n');
    fs.writeFileSync(
      path.join(dir, 'sqs', 'Queue.jsonl'),
      JSON.stringify({ body: JSON.stringify({ name: '\u97e9\u6885\u6885', phone: '13800138000' }) }).replace('韩梅梅', '\\u97e9\\u6885\\u6885') + '\n',
    );
    fs.writeFileSync(path.join(dir, 'event-archive.jsonl'), '{"detail":{"sealedPaymentToken":"v1.AQID.qq.rr"}}\n');
    const dynamodb = new DynamoDBClient({ region: 'us-east-1' });
    const hits = await sweepForPersonalData({ dynamodb, tableNames: [], dataDir: dir });
    dynamodb.destroy();
    expect(hits).toEqual(
      expect.arrayContaining([
        { where: `file ${path.join('logs', 'Fn.log')}`, found: '李华' },
        { where: `file ${path.join('sqs', 'Queue.jsonl')}`, found: '韩梅梅' },
        { where: `file ${path.join('sqs', 'Queue.jsonl')}`, found: '13800138000' },
      ]),
    );
    expect(hits.some((h) => h.where.includes('event-archive'))).toBe(false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
