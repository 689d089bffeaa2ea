/** Stock and replenishment (FUL-1, FUL-4): a SKU's stock per warehouse (a hot SKU's buckets, and whether they are being merged back) and its replenishment state; the warehouses and suppliers. */
import { num, when } from '../format.ts';
import { t } from '../i18n.ts';
import { Async, AsyncItems, Lookup, PageHeader, Status, useGet } from '../ui.tsx';

interface Stock {
  sku: string;
  /** `buckets`: a hot SKU's stock split for a flash sale; `draining`: being merged back after it. */
  items: Array<{ warehouseId: string; onHand: number; reserved: number; available: number; buckets?: number; draining?: boolean }>;
}
interface Replenishment {
  sku: string;
  open: boolean;
  safetyStock?: number;
  lastAvailable?: number;
  lastSuggestedAt?: string;
  salesWindowDays: number;
  unitsSoldInWindow: number;
}
interface Warehouse {
  warehouseId: string;
  name: string;
  city: string;
  region: string;
  active: boolean;
}
interface Supplier {
  supplierId: string;
  name: string;
  status: string;
  tier: string;
  scorecard: { deliveries: number; onTimeRateBp: number | null };
}

function SkuView({ sku }: { sku: string }) {
  const stock = useGet<Stock>(`/admin/stock/${encodeURIComponent(sku)}`);
  const replenishment = useGet<Replenishment>(`/admin/replenishment/${encodeURIComponent(sku)}`);
  return (
    <div class="grid2">
      <section class="card" aria-labelledby="stock-title">
        <h2 id="stock-title">
          {t('stock')}: <code>{sku}</code>
        </h2>
        <Async loaded={stock}>
          {(s) => (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('warehouse')}</th>
                  <th scope="col">{t('onHand')}</th>
                  <th scope="col">{t('reserved')}</th>
                  <th scope="col">{t('available')}</th>
                  <th scope="col">{t('buckets')}</th>
                </tr>
              </thead>
              <tbody>
                {s.items.map((i) => (
                  <tr key={i.warehouseId}>
                    <th scope="row">{i.warehouseId}</th>
                    <td>{num(i.onHand)}</td>
                    <td>{num(i.reserved)}</td>
                    <td>{num(i.available)}</td>
                    <td>{i.buckets ? (i.draining ? `${num(i.buckets)} · ${t('mergingBack')}` : num(i.buckets)) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Async>
      </section>
      <section class="card" aria-labelledby="replenishment-title">
        <h2 id="replenishment-title">{t('replenishment')}</h2>
        <Async loaded={replenishment}>
          {(r) => (
            <dl class="facts">
              <dt>{t('openSuggestion')}</dt>
              <dd>{r.open ? t('yes') : t('no')}</dd>
              <dt>{t('safetyStock')}</dt>
              <dd>{num(r.safetyStock)}</dd>
              <dt>{t('available')}</dt>
              <dd>{num(r.lastAvailable)}</dd>
              <dt>{t('soldInWindow')}</dt>
              <dd>
                {num(r.unitsSoldInWindow)} / {r.salesWindowDays} d
              </dd>
              <dt>{t('at')}</dt>
              <dd>{when(r.lastSuggestedAt)}</dd>
            </dl>
          )}
        </Async>
      </section>
    </div>
  );
}

export function StockPage({ path }: { path: string[] }) {
  const sku = path[0] ?? '';
  const warehouses = useGet<{ items: Warehouse[] }>('/admin/warehouses?limit=50');
  const suppliers = useGet<{ items: Supplier[] }>('/admin/suppliers?limit=50');
  return (
    <>
      <PageHeader title={t('stock')}>
        <Lookup id="stock-sku" label={t('sku')} value={sku} onSubmit={(v) => (location.hash = `#/stock/${encodeURIComponent(v)}`)} />
      </PageHeader>
      {sku && <SkuView sku={sku} />}
      <div class="grid2">
        <section class="card" aria-labelledby="warehouses-title">
          <h2 id="warehouses-title">{t('warehouses')}</h2>
          <Async loaded={warehouses}>
            {({ items }) => (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('warehouse')}</th>
                    <th scope="col">{t('active')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((w) => (
                    <tr key={w.warehouseId}>
                      <th scope="row">
                        {w.warehouseId} <span class="muted">{w.region}</span>
                      </th>
                      <td>{w.active ? t('yes') : t('no')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Async>
        </section>
        <section class="card" aria-labelledby="suppliers-title">
          <h2 id="suppliers-title">{t('suppliers')}</h2>
          <AsyncItems loaded={suppliers}>
            {(items) => (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('suppliers')}</th>
                    <th scope="col">{t('status')}</th>
                    <th scope="col">{t('tier')}</th>
                    <th scope="col">{t('onTime')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((s) => (
                    <tr key={s.supplierId}>
                      <th scope="row">{s.supplierId}</th>
                      <td>
                        <Status value={s.status} />
                      </td>
                      <td>{s.tier}</td>
                      <td>{s.scorecard.onTimeRateBp === null ? '—' : `${(s.scorecard.onTimeRateBp / 100).toFixed(1)}%`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </AsyncItems>
        </section>
      </div>
    </>
  );
}
