/**
 * ORD-6, AFT-1, AFT-2: every template renders in zh-CN and English with nothing left unrendered,
 * amounts in yuan with two decimals from fen, links to the storefront, and no personal data (the
 * templates take ids, amounts and statuses only); the locale follows the shipping country.
 */
import { describe, expect, it } from 'vitest';
import {
  displayAmount,
  formatAmount,
  localeFor,
  LOCALES,
  NOTIFIED_RETURN_STATUSES,
  NOTIFIED_TICKET_STATUSES,
  render,
  TEMPLATES,
  templateKind,
  type TemplateCall,
  type TemplateId,
} from '../../../functions/notifications/domain/templates.ts';

const orderId = '01JD7ZK3X2V8Q4N6M5R9T0W1YB';
const returnId = '01JD7ZKG61V8Q4N6M5R9T0W1YK';
const ticketId = '01JD7ZKH71V8Q4N6M5R9T0W1YM';
const links = { storefrontUrl: 'https://shop.example.com/' };

/** One call (or several, for per-status texts) of every template. */
const CALLS: Record<TemplateId, TemplateCall[]> = {
  'order-confirmed': [{ id: 'order-confirmed', params: { orderId, total: { amount: 23040, currency: 'CNY' } } }],
  'order-rejected': [{ id: 'order-rejected', params: { orderId } }],
  'order-cancelled': [{ id: 'order-cancelled', params: { orderId } }],
  'payment-failed': [{ id: 'payment-failed', params: { orderId } }],
  'order-shipped': [
    { id: 'order-shipped', params: { orderId, parcels: 1 } },
    { id: 'order-shipped', params: { orderId, parcels: 2 } },
  ],
  'order-delivered': [{ id: 'order-delivered', params: { orderId } }],
  'delivery-late': [{ id: 'delivery-late', params: { orderId } }],
  'delivery-problem': [{ id: 'delivery-problem', params: { orderId } }],
  'refund-issued': [{ id: 'refund-issued', params: { orderId, amount: { amount: 5005, currency: 'CNY' } } }],
  'return-updated': NOTIFIED_RETURN_STATUSES.map((status) => ({ id: 'return-updated', params: { orderId, returnId, status } }) as TemplateCall),
  'ticket-updated': NOTIFIED_TICKET_STATUSES.map((status) => ({ id: 'ticket-updated', params: { ticketId, status } }) as TemplateCall),
  'promotions-digest': [{ id: 'promotions-digest', params: {} }],
};

const CJK = /[\u4e00-\u9fff]/;

describe('templates (ORD-6, AFT-1, AFT-2)', () => {
  it('cover every template id', () => {
    expect(Object.keys(CALLS).sort()).toEqual(Object.keys(TEMPLATES).sort());
  });

  for (const [id, calls] of Object.entries(CALLS)) {
    for (const locale of LOCALES) {
      it(`${id} renders completely in ${locale}`, () => {
        for (const call of calls) {
          const message = render(call, locale, links);
          for (const [part, text] of Object.entries(message)) {
            expect(text.trim().length, `${part}`).toBeGreaterThan(0);
            expect(text, `${part}: unrendered placeholder`).not.toMatch(/\{|\}|\$\{|undefined|null|NaN|\[object/);
            // zh-CN texts are Chinese; English texts have no Chinese
            if (locale === 'zh-CN') expect(text, part).toMatch(CJK);
            else expect(text, part).not.toMatch(CJK);
          }
          if (id !== 'promotions-digest') {
            expect(message.body).toContain('https://shop.example.com/');
            expect(message.body).not.toContain('.com//');
          }
          const ids = [orderId, returnId, ticketId].filter((x) => JSON.stringify(call.params).includes(x));
          for (const x of ids) expect(message.body).toContain(x);
        }
      });
    }
  }

  it('the same call gives different texts per language, and per status', () => {
    const zh = render(CALLS['order-confirmed'][0] as TemplateCall, 'zh-CN', links);
    const en = render(CALLS['order-confirmed'][0] as TemplateCall, 'en', links);
    expect(zh.subject).not.toBe(en.subject);
    const returnBodies = CALLS['return-updated'].map((call) => render(call, 'en', links).body);
    expect(new Set(returnBodies).size).toBe(returnBodies.length);
    const ticketBodies = CALLS['ticket-updated'].map((call) => render(call, 'zh-CN', links).body);
    expect(new Set(ticketBodies).size).toBe(ticketBodies.length);
  });

  it('amounts are yuan with two decimals from fen, exactly', () => {
    expect(formatAmount({ amount: 23040, currency: 'CNY' })).toBe('230.40');
    expect(formatAmount({ amount: 5, currency: 'CNY' })).toBe('0.05');
    expect(formatAmount({ amount: 0, currency: 'CNY' })).toBe('0.00');
    expect(formatAmount({ amount: 123456789, currency: 'CNY' })).toBe('1234567.89');
    expect(displayAmount({ amount: 23040, currency: 'CNY' }, 'zh-CN')).toBe('¥230.40');
    expect(displayAmount({ amount: 23040, currency: 'CNY' }, 'en')).toBe('CNY 230.40');
    expect(render(CALLS['order-confirmed'][0] as TemplateCall, 'zh-CN', links).body).toContain('¥230.40');
    expect(render(CALLS['refund-issued'][0] as TemplateCall, 'en', links).body).toContain('CNY 50.05');
  });

  it('every template but the promotions digest is transactional (marketing needs consent)', () => {
    const kinds = Object.fromEntries(Object.keys(TEMPLATES).map((id) => [id, templateKind(id as TemplateId)]));
    expect(
      Object.entries(kinds)
        .filter(([, kind]) => kind === 'marketing')
        .map(([id]) => id),
    ).toEqual(['promotions-digest']);
  });

  it('chooses zh-CN for mainland China and unknown countries, English elsewhere', () => {
    expect(localeFor('CN')).toBe('zh-CN');
    expect(localeFor('cn')).toBe('zh-CN');
    expect(localeFor(undefined)).toBe('zh-CN');
    expect(localeFor('US')).toBe('en');
    expect(localeFor('SG')).toBe('en');
  });
});
