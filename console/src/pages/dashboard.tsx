/** KPI dashboard (KPI-1, KPI-3): GMV and orders over time, AOV, the quote → order funnel, rates against targets, slices, and segments (KPI-2). */
import { useState } from 'preact/hooks';
import { BarChart, Funnel, LineChart } from '../charts.tsx';
import { isoDay, money, num, rate } from '../format.ts';
import { t, type MessageKey } from '../i18n.ts';
import { Async, PageHeader, useConsole, useGet } from '../ui.tsx';

type Rate = number | null;
interface Kpis {
  gmv: number;
  orders: number;
  averageOrderValue: number | null;
  quotes: number;
  conversionRate: Rate;
  refundRate: Rate;
  returnRate: Rate;
  repeatPurchaseRate30d: Rate;
  repeatPurchaseRate90d: Rate;
  newCustomers: number;
  returningCustomers: number;
  csat: number | null;
  nps: number | null;
  slaCompliance: Rate;
  lateDeliveryRate: Rate;
  fraudFalsePositiveRate: Rate;
}
interface Slice {
  gmv: number;
  orders: number;
  averageOrderValue: number | null;
}
export interface KpiReport {
  from: string;
  to: string;
  currency: 'CNY';
  total: Kpis;
  days: Array<{ day: string } & Kpis>;
  byCategory: Array<{ category: string } & Slice>;
  byPaymentMethod: Array<{ method: string } & Slice>;
  targets: Record<string, { target: number; direction: 'above' | 'below' }>;
}
interface Segments {
  asOf: string | null;
  customers: number;
  segments: Record<string, number>;
  lifecycle: Record<string, number>;
}

const RATE_KPIS = [
  'conversionRate',
  'refundRate',
  'returnRate',
  'repeatPurchaseRate30d',
  'repeatPurchaseRate90d',
  'slaCompliance',
  'lateDeliveryRate',
  'fraudFalsePositiveRate',
] as const;

function formatKpi(key: string, value: number | null): string {
  if ((RATE_KPIS as readonly string[]).includes(key)) return rate(value);
  if (key === 'gmv' || key === 'averageOrderValue') return money(value);
  if (key === 'csat') return num(value, 2);
  if (key === 'nps') return num(value, 1);
  return num(value);
}

function Tile({ id, value }: { id: MessageKey; value: string }) {
  return (
    <div class="tile" data-kpi={id}>
      <div class="tile-label">{t(id)}</div>
      <div class="tile-value">{value}</div>
    </div>
  );
}

function Report({ report }: { report: KpiReport }) {
  const labels = report.days.map((d) => d.day);
  const total = report.total;
  const targets = Object.entries(report.targets);
  return (
    <>
      <section aria-labelledby="totals-title">
        <h2 id="totals-title" class="visually-hidden">
          {report.from} – {report.to}
        </h2>
        <div class="tiles">
          <Tile id="gmv" value={money(total.gmv)} />
          <Tile id="orders" value={num(total.orders)} />
          <Tile id="averageOrderValue" value={money(total.averageOrderValue)} />
          <Tile id="conversionRate" value={rate(total.conversionRate)} />
          <Tile id="newCustomers" value={num(total.newCustomers)} />
          <Tile id="returningCustomers" value={num(total.returningCustomers)} />
          <Tile id="csat" value={num(total.csat, 2)} />
          <Tile id="nps" value={num(total.nps, 1)} />
        </div>
      </section>
      <div class="grid2">
        <section aria-labelledby="gmv-title" class="card">
          <h2 id="gmv-title">{t('gmvOverTime')}</h2>
          <LineChart title={t('gmvOverTime')} labels={labels} values={report.days.map((d) => d.gmv)} format={(v) => money(Math.round(v))} />
        </section>
        <section aria-labelledby="orders-title" class="card">
          <h2 id="orders-title">{t('ordersOverTime')}</h2>
          <BarChart title={t('ordersOverTime')} labels={labels} values={report.days.map((d) => d.orders)} format={(v) => num(Math.round(v))} />
        </section>
        <section aria-labelledby="funnel-title" class="card">
          <h2 id="funnel-title">{t('funnel')}</h2>
          <Funnel
            title={`${t('funnel')}: ${t('quotes')} ${total.quotes} → ${t('orders')} ${total.orders} (${rate(total.conversionRate)})`}
            steps={[
              { label: t('quotes'), value: total.quotes, text: num(total.quotes) },
              { label: t('orders'), value: total.orders, text: `${num(total.orders)} (${rate(total.conversionRate)})` },
            ]}
          />
        </section>
        <section aria-labelledby="targets-title" class="card">
          <h2 id="targets-title">{t('targets')}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">KPI</th>
                <th scope="col">{t('actual')}</th>
                <th scope="col">{t('target')}</th>
                <th scope="col">{t('status')}</th>
              </tr>
            </thead>
            <tbody>
              {targets.map(([key, target]) => {
                const actual = (total as unknown as Record<string, number | null>)[key] ?? null;
                const ok = actual === null ? undefined : target.direction === 'above' ? actual >= target.target : actual <= target.target;
                return (
                  <tr key={key} data-target={key}>
                    <th scope="row">{key in total ? t(key as MessageKey) : key}</th>
                    <td>{formatKpi(key, actual)}</td>
                    <td>
                      {target.direction === 'above' ? '≥ ' : '≤ '}
                      {formatKpi(key, target.target)}
                    </td>
                    <td>{ok === undefined ? '—' : <span class={ok ? 'badge badge-ok' : 'badge badge-bad'}>{ok ? t('onTarget') : t('offTarget')}</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      </div>
      <section aria-labelledby="rates-title" class="card">
        <h2 id="rates-title">KPI</h2>
        <div class="tiles">
          {RATE_KPIS.filter((k) => k !== 'conversionRate').map((k) => (
            <Tile key={k} id={k} value={rate(total[k])} />
          ))}
        </div>
      </section>
      <div class="grid2">
        <SliceTable title={t('byCategory')} head={t('category')} rows={report.byCategory.map((c) => ({ key: c.category, ...c }))} />
        <SliceTable title={t('byPaymentMethod')} head={t('method')} rows={report.byPaymentMethod.map((c) => ({ key: c.method, ...c }))} />
      </div>
    </>
  );
}

function SliceTable({ title, head, rows }: { title: string; head: string; rows: Array<{ key: string } & Slice> }) {
  return (
    <section class="card">
      <h2>{title}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{head}</th>
            <th scope="col">{t('gmv')}</th>
            <th scope="col">{t('orders')}</th>
            <th scope="col">{t('averageOrderValue')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-slice={r.key}>
              <th scope="row">{r.key}</th>
              <td>{money(r.gmv)}</td>
              <td>{num(r.orders)}</td>
              <td>{money(r.averageOrderValue)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function SegmentsCard() {
  const loaded = useGet<Segments>('/admin/customers/segments');
  return (
    <section class="card" aria-labelledby="segments-title">
      <h2 id="segments-title">{t('segments')}</h2>
      <Async loaded={loaded}>
        {(s) => (
          <>
            <p class="muted">
              {t('asOf')} {s.asOf ?? '—'} · {t('customers')} {num(s.customers)}
            </p>
            <div class="grid2">
              {(['segments', 'lifecycle'] as const).map((group) => (
                <table key={group}>
                  <caption>{t(group)}</caption>
                  <tbody>
                    {Object.entries(s[group]).map(([name, count]) => (
                      <tr key={name}>
                        <th scope="row">{name}</th>
                        <td>{num(count)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ))}
            </div>
          </>
        )}
      </Async>
    </section>
  );
}

export function DashboardPage() {
  const { session } = useConsole();
  const today = new Date();
  const [range, setRange] = useState({ from: isoDay(new Date(today.getTime() - 29 * 86_400_000)), to: isoDay(today) });
  const [draft, setDraft] = useState(range);
  const kpiRoles = session.roles.some((r) => r === 'analyst' || r === 'ops');
  const segmentRoles = session.roles.some((r) => r === 'analyst' || r === 'marketer');
  const loaded = useGet<KpiReport>(kpiRoles ? `/admin/kpis?from=${range.from}&to=${range.to}` : undefined);
  return (
    <>
      <PageHeader title={t('dashboard')}>
        {kpiRoles && (
          <form
            class="lookup"
            onSubmit={(e) => {
              e.preventDefault();
              // The same range again is a refresh: its path does not change, so the report is fetched anew.
              if (draft.from === range.from && draft.to === range.to) loaded.reload();
              else setRange(draft);
            }}
          >
            <label for="kpi-from">{t('from')}</label>
            <input id="kpi-from" type="date" value={draft.from} required onInput={(e) => setDraft({ ...draft, from: (e.target as HTMLInputElement).value })} />
            <label for="kpi-to">{t('to')}</label>
            <input id="kpi-to" type="date" value={draft.to} required onInput={(e) => setDraft({ ...draft, to: (e.target as HTMLInputElement).value })} />
            <button type="submit">{t('load')}</button>
          </form>
        )}
      </PageHeader>
      {kpiRoles && <Async loaded={loaded}>{(report) => <Report report={report} />}</Async>}
      {segmentRoles && <SegmentsCard />}
    </>
  );
}
