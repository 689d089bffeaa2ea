/**
 * The error lines a failed e2e run prints from the local cloud's function logs, and the log keys the
 * logger dropped, which fail the e2e run (tests/support/function-logs.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { droppedLogKeys, functionErrorLines } from '../../support/function-logs.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function logDir(files: Record<string, string[]>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'function-logs-'));
  dirs.push(dir);
  for (const [name, lines] of Object.entries(files)) fs.writeFileSync(path.join(dir, `${name}.log`), `${lines.join('\n')}\n`);
  return dir;
}

const json = (level: string, message: string) => JSON.stringify({ level, message, timestamp: '2026-12-07T00:00:00.000Z' });

describe('function error lines of a failed e2e run', () => {
  it('keeps ERROR and CRITICAL lines and invoke errors, the last few per function, in file order', () => {
    const dir = logDir({
      'Commerce-dev-ApproveRefundFunction': [
        json('INFO', 'refund approved'),
        json('ERROR', 'first failure'),
        'not json at all',
        '2026-12-07T00:00:01.000Z\treq-1\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"x is undefined"}',
        json('WARN', 'slow'),
        json('CRITICAL', 'ledger out of balance'),
      ],
      'Commerce-dev-PlaceOrderFunction': [json('INFO', 'placed'), json('DEBUG', 'detail')],
    });
    const lines = functionErrorLines(dir, { perFunction: 2 });
    expect(lines.map((l) => l.fn)).toEqual(['Commerce-dev-ApproveRefundFunction', 'Commerce-dev-ApproveRefundFunction']);
    expect(lines[0]?.line).toContain('Invoke Error');
    expect(lines[1]?.line).toContain('ledger out of balance');
    expect(functionErrorLines(dir, { perFunction: 5 }).map((l) => l.line.includes('first failure'))).toEqual([true, false, false]);
  });

  it('cuts long lines and answers nothing for a missing directory', () => {
    const dir = logDir({ F: [json('ERROR', 'x'.repeat(5_000))] });
    const [line] = functionErrorLines(dir, { maxChars: 100 });
    expect(line?.line.length).toBeLessThanOrEqual(102);
    expect(line?.line.endsWith(' …')).toBe(true);
    expect(functionErrorLines(path.join(dir, 'nowhere'))).toEqual([]);
  });
});

describe('log keys the logger dropped', () => {
  it('names each function and key with the number of warnings, and nothing else', () => {
    const dropped = (key: string) => JSON.stringify({ level: 'WARN', message: `The key "${key}" is a reserved key and will be dropped.`, service: 'AssessOrderFunction' });
    const dir = logDir({
      'Commerce-dev-AssessOrderFunction': [dropped('level'), json('INFO', 'order assessed'), dropped('level'), dropped('timestamp')],
      'Commerce-dev-PlaceOrderFunction': [
        json('INFO', 'order placed'),
        json('WARN', 'The key "level" is a reserved key, said a customer'),
        'The key "level" is a reserved key and will be dropped.',
      ],
    });
    expect(droppedLogKeys(dir)).toEqual([
      { fn: 'Commerce-dev-AssessOrderFunction', key: 'level', lines: 2 },
      { fn: 'Commerce-dev-AssessOrderFunction', key: 'timestamp', lines: 1 },
    ]);
    expect(droppedLogKeys(path.join(dir, 'nowhere'))).toEqual([]);
  });
});
