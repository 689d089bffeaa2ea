/**
 * SEC-5: the HTTP stack's validation refuses hostile text in every string of every validated
 * location — body (values and member names, nested), path and query parameters — whatever the
 * field's zod schema says (here: plain `z.string()`, `z.record`, a lenient object), with a 400
 * problem naming the field; the handler never runs. Table-driven over every refused character.
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import * as z from '../../../shared/zod.ts';
import { httpHandler } from '../../../shared/http/handler.ts';
import { TEXT_RULES } from '../../../shared/text.ts';
import { HOSTILE_CHARACTERS } from '../../support/hostile-text.ts';
import { apiEvent, claimsFor, jsonBody, lambdaContext } from '../../support/http-events.ts';

let ran = 0;
/** A route whose schemas would let any string through: only the kernel's request-wide check stands in the way. */
const lenient = httpHandler(
  {
    operation: 'lenient',
    auth: { roles: ['ops'] },
    path: z.object({ id: z.string() }),
    query: z.object({ q: z.optional(z.string()) }),
    body: z.object({
      title: z.string(),
      lines: z.optional(z.array(z.object({ note: z.string() }))),
      tags: z.optional(z.record(z.string(), z.string())),
      condition: z.optional(z.string()),
    }),
  },
  async () => {
    ran++;
    return { statusCode: 200, body: { ok: true } };
  },
);

const send = (options: { body?: unknown; path?: string; query?: Record<string, string> }) =>
  lenient(
    apiEvent({
      method: 'PUT',
      path: '/things/1',
      pathParameters: { id: options.path ?? 'T-1' },
      ...(options.query ? { query: options.query } : {}),
      body: options.body ?? { title: 'ok' },
      claims: claimsFor('ops-1', 'ops'),
    }),
    lambdaContext(),
  );

type Problem = { type: string; status: number; errors: Array<{ path: string; message: string }> };

describe('SEC-5: hostile text anywhere in a request → 400 naming the field, through the real middleware stack', () => {
  it('ordinary text (Chinese, emoji, a multi-line condition) passes', async () => {
    const before = ran;
    const result = await send({ body: { title: '王小明 🎉', lines: [{ note: '𠀀' }], tags: { 颜色: '红' }, condition: 'amount > 1\nand new' }, query: { q: '龙井' } });
    expect(result.statusCode).toBe(200);
    expect(ran).toBe(before + 1);
  });

  describe.each(HOSTILE_CHARACTERS)('%s: %s', (rule, _name, char) => {
    it.each([
      ['a body field declared as plain z.string()', { body: { title: `王${char}小明` } }, 'body.title'],
      ['a field nested in an array', { body: { title: 'ok', lines: [{ note: 'fine' }, { note: `x${char}` }] } }, 'body.lines[1].note'],
      ['a record value', { body: { title: 'ok', tags: { colour: `${char}red` } } }, 'body.tags.colour'],
      ['a record key (reported at its object)', { body: { title: 'ok', tags: { [`colour${char}`]: 'red' } } }, 'body.tags'],
      ['a query parameter', { query: { q: `tea${char}` } }, 'query.q'],
      ['a path parameter', { path: `T-1${char}` }, 'path.id'],
    ] as const)('in %s', async (_where, request, field) => {
      const before = ran;
      const result = await send(request);
      expect(result.statusCode).toBe(400);
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      const problem = jsonBody<Problem>(result);
      expect(problem).toMatchObject({ type: 'https://errors.commerce.dev/validation-failed', status: 400 });
      expect(problem.errors.map((e) => e.path)).toEqual([field]);
      expect(problem.errors[0]?.message).toMatch(new RegExp(TEXT_RULES[rule].slice(-20).replace(/[()]/g, '\\$&')));
      // The value is never echoed back.
      expect(result.body).not.toContain(JSON.stringify(char).slice(1, -1));
      expect(ran).toBe(before);
    });
  });

  it('a string zod already refuses is reported once; hostile text elsewhere is reported with it', async () => {
    const result = await send({ body: { title: 5, lines: [{ note: 'a\u202eb' }] } });
    expect(result.statusCode).toBe(400);
    expect(
      jsonBody<Problem>(result)
        .errors.map((e) => e.path)
        .sort(),
    ).toEqual(['body.lines[0].note', 'body.title']);
    const both = await send({ body: { title: 'ok', lines: [{ note: 'a\u202eb' }], extra: 'x\u200b' } });
    // `extra` is not in the (non-strict) schema: zod would drop it, the raw-input check still refuses it.
    expect(
      jsonBody<Problem>(both)
        .errors.map((e) => e.path)
        .sort(),
    ).toEqual(['body.extra', 'body.lines[0].note']);
  });
});
