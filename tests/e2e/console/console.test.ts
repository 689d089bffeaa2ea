/**
 * KPI-3: the staff console in a real browser (headless Chromium) on the shared local cloud — sign-in
 * per role through the local stand-in for Cognito's managed login (authorization code + PKCE), the
 * role-aware navigation, the KPI dashboard's figures against GET /admin/kpis, an analyst approving a
 * review (RISK-5: the order moves on), an agent answering a ticket (AFT-2), and axe-core on every page.
 */
import { ulid } from 'ulid';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, poll, quotedCardOrder, tokenFor } from '../../support/e2e.ts';
import { consoleUrl, launch, navLinks, screenshot, seriousAxeViolations, signedIn } from './browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** Money as the console must show it: ¥ with thousands separators and two decimals, from integer fen. */
function yuan(fen: number | null): string {
  if (fen === null) return '—';
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}¥${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
}

async function expectAccessible(page: Page, name: string) {
  await screenshot(page, name);
  const violations = await seriousAxeViolations(page);
  expect(violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

async function closePage(page: Page) {
  await page.context().close();
}

describe('KPI-3 staff console (browser)', () => {
  it('KPI-3: each role signs in through the local sign-in form and sees only its pages; a page of another role is refused', async () => {
    const expected: Array<[string[], string[]]> = [
      [['analyst'], ['KPI dashboard']],
      [['risk-analyst'], ['Risk reviews']],
      [['cs-agent'], ['Refund approvals', 'Tickets', 'Returns']],
      [['ops'], ['KPI dashboard', 'Refund approvals', 'Returns', 'Stock & replenishment']],
      [['admin'], ['Compliance findings', 'Audit log']],
      [['content-reviewer'], ['Compliance findings']],
      [['marketer'], ['KPI dashboard']],
    ];
    for (const [roles, links] of expected) {
      const page = await signedIn(browser, `e2e-console-${roles[0]}-${ulid().toLowerCase()}`, roles);
      expect(await navLinks(page), roles.join()).toEqual(links);
      await closePage(page);
    }
    // A risk analyst opening the audit log's address is refused, and the API agrees (403).
    const page = await signedIn(browser, 'e2e-console-refused', ['risk-analyst']);
    await page.goto(`${consoleUrl()}#/audit`);
    await expect(page.getByTestId('not-allowed').textContent()).resolves.toContain('not available for your roles');
    expect((await api('/admin/audit', { token: await tokenFor('e2e-console-refused', ['risk-analyst']) })).status).toBe(403);
    await closePage(page);
  }, 300_000);

  it('KPI-3: a PKCE verifier that does not match is refused, and a code works once (the browser flow uses each code once)', async () => {
    const page = await signedIn(browser, 'e2e-console-pkce', ['admin']);
    const config = (await (await fetch(`${consoleUrl()}config.json`)).json()) as { auth: { tokenUrl: string; clientId: string } };
    const res = await fetch(config.auth.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: config.auth.clientId,
        code: 'not-a-code',
        redirect_uri: consoleUrl(),
        code_verifier: 'x'.repeat(43),
      }),
    });
    expect(res.status).toBe(400);
    // The console's own responses carry the security headers.
    const index = await fetch(consoleUrl());
    expect(index.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    await closePage(page);
  }, 120_000);

  it('KPI-1, KPI-3: the dashboard shows the totals GET /admin/kpis returns (GMV, orders, AOV, conversion)', async () => {
    const today = new Date();
    const from = new Date(today.getTime() - 29 * 86_400_000).toISOString().slice(0, 10);
    const to = today.toISOString().slice(0, 10);
    // An order of its own, in a category of its own, paid by card: the figures are not all zero.
    const ops = await tokenFor('e2e-console-ops', ['ops']);
    const category = `e2e-console-${ulid().toLowerCase()}`.slice(0, 40);
    const { placed } = await quotedCardOrder(ops, { category, amount: 123_456, label: 'ckpi' });
    expect(placed.status, placed.text).toBe(201);
    const analyst = await tokenFor('e2e-console-analyst', ['analyst']);
    await poll(
      async () => (await api(`/admin/kpis?from=${from}&to=${to}`, { token: analyst })).json as { byCategory?: Array<{ category: string }> },
      (r) => r.byCategory?.some((c) => c.category === category) ?? false,
      60_000,
    );

    const page = await signedIn(browser, 'e2e-console-analyst', ['analyst']);
    await page.goto(`${consoleUrl()}#/dashboard`);
    await page.locator('[data-kpi="gmv"] .tile-value').waitFor();
    const res = await api(`/admin/kpis?from=${from}&to=${to}`, { token: await tokenFor('e2e-console-analyst', ['analyst']) });
    expect(res.status, res.text).toBe(200);
    const total = res.json.total as { gmv: number; orders: number; averageOrderValue: number | null; conversionRate: number | null };
    const tile = (kpi: string) => page.locator(`[data-kpi="${kpi}"] .tile-value`).textContent();
    // Events of other tests may land between the page's request and ours, or while the page reloads:
    // read the four tiles and the API together until one reading agrees on all of them.
    const expectedTiles = () => ({
      gmv: yuan(total.gmv),
      orders: total.orders.toLocaleString('en-US'),
      averageOrderValue: yuan(total.averageOrderValue),
      conversionRate: total.conversionRate === null ? '—' : `${(total.conversionRate * 100).toFixed(1)}%`,
    });
    const shown = await poll(
      async () => {
        await page.getByRole('button', { name: 'Load' }).click();
        await page.locator('[data-kpi="gmv"] .tile-value').waitFor();
        const again = await api(`/admin/kpis?from=${from}&to=${to}`, { token: await tokenFor('e2e-console-analyst', ['analyst']) });
        Object.assign(total, again.json.total);
        return { gmv: await tile('gmv'), orders: await tile('orders'), averageOrderValue: await tile('averageOrderValue'), conversionRate: await tile('conversionRate') };
      },
      (tiles) => JSON.stringify(tiles) === JSON.stringify(expectedTiles()),
    );
    expect(shown).toEqual(expectedTiles());
    expect(total.orders).toBeGreaterThanOrEqual(1);
    const slice = page.locator(`[data-slice="${category}"] td`);
    // (the shop's promotions may discount the order: the API's own row is the reference)
    const row = (res.json.byCategory as Array<{ category: string; gmv: number; orders: number; averageOrderValue: number | null }>).find((c) => c.category === category);
    expect(row?.orders).toBe(1);
    expect(await slice.allTextContents()).toEqual([yuan(row?.gmv ?? null), '1', yuan(row?.averageOrderValue ?? null)]);
    expect(await page.locator('svg.chart').count()).toBeGreaterThanOrEqual(3);
    // "Load" with the range unchanged is a refresh: a second order in the category shows without reloading the page.
    const second = await quotedCardOrder(ops, { category, amount: 654_321, label: 'ckpi2' });
    expect(second.placed.status, second.placed.text).toBe(201);
    await poll(
      async () => (await api(`/admin/kpis?from=${from}&to=${to}`, { token: analyst })).json as { byCategory?: Array<{ category: string; orders: number }> },
      (r) => r.byCategory?.some((c) => c.category === category && c.orders === 2) ?? false,
      60_000,
    );
    await page.getByRole('button', { name: 'Load' }).click();
    await page.locator(`[data-slice="${category}"] td:nth-of-type(2)`).filter({ hasText: /^2$/ }).waitFor({ timeout: 15_000 });
    await expectAccessible(page, 'dashboard');
    await closePage(page);
  }, 240_000);

  it('RISK-5, KPI-3: an analyst approves a review in the console; the order moves on to fulfilment', async () => {
    const ops = await tokenFor('e2e-console-ops', ['ops']);
    const sku = `E2E-CONSOLE-${ulid()}`;
    const created = await api(`/admin/products/${sku}`, {
      method: 'PUT',
      token: ops,
      json: {
        name: `控制台测试 ${sku}`,
        category: 'electronics',
        price: { amount: 300_000, currency: 'CNY' },
        attributes: { electronics: true, weightGrams: 300, valueClass: 'high' },
        reason: 'e2e fixture',
      },
    });
    expect(created.status, created.text).toBe(201);
    expect((await api(`/admin/stock/${sku}/WH-EAST`, { method: 'PUT', token: ops, json: { onHand: 3, reason: 'e2e fixture' } })).status).toBe(200);
    const customer = `e2e-console-${ulid()}`;
    const customerToken = await tokenFor(customer, ['customer']);
    const n = ulid();
    const placed = await api('/orders', {
      method: 'POST',
      token: customerToken,
      headers: { 'Idempotency-Key': ulid(), 'x-device-id': `dev-${n}` },
      json: {
        items: [{ sku, quantity: 1 }],
        shippingAddress: { name: '王芳', phone: '+86 139 0000 0000', line1: `徐汇区风控路${n}号`, city: '上海', region: 'east', postalCode: '200030', country: 'CN' },
        contactEmail: `new.${n.toLowerCase()}@example.cn`,
        payment: { method: 'card', token: 'tok_visa' },
      },
    });
    expect(placed.status, placed.text).toBe(201);
    const orderId = String(placed.json.orderId);
    const orderStatus = async () => String((await api(`/orders/${orderId}`, { token: customerToken })).json.status);
    expect(await poll(orderStatus, (s) => s === 'IN_REVIEW', 45_000)).toBe('IN_REVIEW');

    const page = await signedIn(browser, 'e2e-console-risk', ['risk-analyst']);
    await page.goto(`${consoleUrl()}#/reviews`);
    const card = page.locator(`[data-order="${orderId}"]`);
    await poll(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return card.count();
      },
      (count) => count === 1,
    );
    // The explanation: every rule that fired, as the queue's API reports it.
    const queue = await api('/admin/reviews?limit=100', { token: await tokenFor('e2e-console-risk', ['risk-analyst']) });
    const fired = (queue.json.items as Array<{ orderId: string; rulesFired: Array<{ ruleId: string }> }>).find((i) => i.orderId === orderId)?.rulesFired ?? [];
    expect(fired.length).toBeGreaterThan(0);
    await card.locator('.rules li code').first().waitFor();
    expect((await card.locator('.rules li code').allTextContents()).sort()).toEqual(fired.map((r) => r.ruleId).sort());
    await expectAccessible(page, 'reviews');
    await card.getByLabel('Reasoning (audited, no personal data)').fill('verified with the customer');
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.waitFor({ state: 'detached' });
    const status = await poll(orderStatus, (s) => ['FULFILLING', 'SHIPPED', 'DELIVERED'].includes(s), 45_000);
    expect(['FULFILLING', 'SHIPPED', 'DELIVERED']).toContain(status);
    const assessment = await api(`/admin/risk/assessments/${orderId}`, { token: await tokenFor('e2e-console-risk', ['risk-analyst']) });
    expect(assessment.json.review).toMatchObject({ status: 'approved', analystId: 'e2e-console-risk', note: 'verified with the customer' });
    await closePage(page);
  }, 180_000);

  it('AFT-2, KPI-3: a customer opens a ticket through the API; an agent answers and resolves it in the console', async () => {
    const customer = await tokenFor(`e2e-console-customer-${ulid()}`, ['customer']);
    const opened = await api('/tickets', {
      method: 'POST',
      token: customer,
      headers: { 'Idempotency-Key': ulid() },
      json: { category: 'enquiry', subject: `Console ticket ${ulid()}`, message: 'When does my parcel arrive?' },
    });
    expect(opened.status, opened.text).toBe(201);
    const ticketId = String(opened.json.ticketId);

    const page = await signedIn(browser, 'e2e-console-agent', ['cs-agent']);
    await page.goto(`${consoleUrl()}#/tickets`);
    const row = page.locator(`[data-ticket="${ticketId}"]`);
    await row.waitFor();
    await expect(row.locator('.countdown').first().textContent()).resolves.toMatch(/left$/);
    await expectAccessible(page, 'tickets');
    await row.getByRole('link', { name: ticketId }).click();
    await page.getByLabel('Reply').fill('It ships today; you will get the waybill by message.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('It ships today; you will get the waybill by message.').waitFor();
    await expectAccessible(page, 'ticket');
    const seen = await api(`/tickets/${ticketId}`, { token: customer });
    expect((seen.json.messages as Array<{ author: string; message: string }>).map((m) => m.author)).toEqual(['customer', 'agent']);
    expect(seen.json.firstRespondedAt).toEqual(expect.any(String));

    await page.getByLabel('Resolution').fill('Answered the delivery date.');
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.locator('.badge-resolved').first().waitFor();
    expect((await api(`/tickets/${ticketId}`, { token: customer })).json.status).toBe('RESOLVED');
    await closePage(page);
  }, 180_000);

  it('KPI-3: every other page passes axe-core (no serious or critical violation) and shows errors visibly', async () => {
    const pages: Array<[string[], string, string]> = [
      [['cs-agent'], 'refunds', 'refunds'],
      [['cs-agent'], 'returns', 'returns'],
      [['ops'], 'stock/FRESH-LYCHEE-1KG', 'stock'],
      [['admin'], 'compliance', 'compliance'],
      [['admin'], 'audit', 'audit'],
    ];
    for (const [roles, route, name] of pages) {
      const page = await signedIn(browser, `e2e-console-a11y-${name}`, roles);
      await page.goto(`${consoleUrl()}#/${route}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible(page, name);
      await closePage(page);
    }
    // A hot SKU's stock split into buckets for a sale shows them.
    const ops = await tokenFor('e2e-console-stock', ['ops']);
    const hot = `E2E-HOT-${ulid()}`;
    const listing = {
      name: `分桶 ${hot}`,
      category: 'groceries',
      price: { amount: 990, currency: 'CNY' },
      attributes: { weightGrams: 100, valueClass: 'low' },
      reason: 'e2e fixture',
    };
    expect((await api(`/admin/products/${hot}`, { method: 'PUT', token: ops, json: listing })).status).toBe(201);
    expect((await api(`/admin/stock/${hot}/WH-EAST`, { method: 'PUT', token: ops, json: { onHand: 20, reason: 'e2e fixture' } })).status).toBe(200);
    expect((await api(`/admin/stock/${hot}/WH-EAST`, { method: 'PUT', token: ops, json: { buckets: 4, reason: 'flash sale' } })).status).toBe(200);
    const stockPage = await signedIn(browser, 'e2e-console-stock', ['ops']);
    const eastRow = () => stockPage.getByRole('region', { name: /Stock/ }).getByRole('row', { name: /^WH-EAST/ });
    await stockPage.goto(`${consoleUrl()}#/stock/${hot}`);
    await eastRow().waitFor();
    expect((await eastRow().getByRole('cell').allTextContents()).map((c) => c.trim())).toEqual(['20', '0', '20', '4']);
    await closePage(stockPage);
    // A problem+json error is shown where it happened: the payments of an unknown order (404).
    const page = await signedIn(browser, 'e2e-console-errors', ['cs-agent']);
    await page.goto(`${consoleUrl()}#/refunds/${ulid()}`);
    await expect(page.getByRole('alert').first().textContent()).resolves.toMatch(/\(404\)/);
    await screenshot(page, 'error');
    // In Chinese, chosen in the header and remembered.
    await page.getByLabel('Language').selectOption('zh-CN');
    await expect(page.getByRole('navigation').getByRole('link').first().textContent()).resolves.toBe('退款审批');
    await closePage(page);
  }, 300_000);
});
