/** Returns (AFT-1): an order's returns; customer service decides a requested return, operations record the inspection of a received one. */
import { useState } from 'preact/hooks';
import { money, when } from '../format.ts';
import { t } from '../i18n.ts';
import { Async, Feedback, Lookup, PageHeader, Status, useAction, useConsole, useGet } from '../ui.tsx';

interface Return {
  returnId: string;
  orderId: string;
  kind: string;
  reason: string;
  status: string;
  items: Array<{ sku: string; quantity: number; exchangeSku?: string }>;
  refundEstimate: { amount: number; currency: string };
  timeline: Array<{ at: string; status: string; event: string; actor: string }>;
}

function ReturnCard({ ret, onDone }: { ret: Return; onDone(): void }) {
  const { api, session } = useConsole();
  const action = useAction();
  const [note, setNote] = useState('');
  const [passed, setPassed] = useState(true);
  const [restock, setRestock] = useState(true);
  const base = `/admin/returns/${encodeURIComponent(ret.returnId)}`;
  const canDecide = session.roles.includes('cs-agent') && ret.status === 'REQUESTED';
  const canInspect = session.roles.includes('ops') && ret.status === 'RECEIVED';
  const noteId = `return-note-${ret.returnId}`;
  return (
    <li class="card" data-return={ret.returnId}>
      <h2>
        {t('returnId')} <code>{ret.returnId}</code> <Status value={ret.status} />
      </h2>
      <dl class="facts">
        <dt>{t('kind')}</dt>
        <dd>
          {ret.kind} · {ret.reason}
        </dd>
        <dt>{t('items')}</dt>
        <dd>{ret.items.map((i) => `${i.sku} × ${i.quantity}${i.exchangeSku ? ` → ${i.exchangeSku}` : ''}`).join(', ')}</dd>
        <dt>{t('refund')}</dt>
        <dd>{money(ret.refundEstimate.amount, ret.refundEstimate.currency)}</dd>
      </dl>
      <ol class="timeline">
        {ret.timeline.map((e, i) => (
          <li key={i}>
            {when(e.at)} · {e.status} · {e.event} · {e.actor}
          </li>
        ))}
      </ol>
      {(canDecide || canInspect) && (
        <form class="decide" onSubmit={(e) => e.preventDefault()}>
          <label for={noteId}>{t('note')}</label>
          <input id={noteId} value={note} required maxLength={1000} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
          {canDecide && (
            <>
              <button
                type="button"
                disabled={action.busy || !note.trim()}
                onClick={() => void action.run(() => api.post(`${base}/decision`, { decision: 'approve', note })).then((r) => r && onDone())}
              >
                {t('approve')}
              </button>
              <button
                type="button"
                class="danger"
                disabled={action.busy || !note.trim()}
                onClick={() => void action.run(() => api.post(`${base}/decision`, { decision: 'reject', note })).then((r) => r && onDone())}
              >
                {t('reject')}
              </button>
            </>
          )}
          {canInspect && (
            <>
              <label class="inline">
                <input type="checkbox" checked={passed} onChange={(e) => setPassed((e.target as HTMLInputElement).checked)} /> {t('passed')}
              </label>
              <label class="inline">
                <input type="checkbox" checked={restock} onChange={(e) => setRestock((e.target as HTMLInputElement).checked)} /> {t('restock')}
              </label>
              <button
                type="button"
                disabled={action.busy || !note.trim()}
                onClick={() => void action.run(() => api.post(`${base}/inspection`, { passed, restock, note })).then((r) => r && onDone())}
              >
                {t('inspect')}: {t('record')}
              </button>
            </>
          )}
          <Feedback action={action} />
        </form>
      )}
    </li>
  );
}

export function ReturnsPage({ path }: { path: string[] }) {
  const orderId = path[0] ?? '';
  const loaded = useGet<{ items: Return[] }>(orderId ? `/orders/${encodeURIComponent(orderId)}/returns` : undefined);
  return (
    <>
      <PageHeader title={t('returns')}>
        <Lookup id="return-order" label={t('orderId')} value={orderId} onSubmit={(v) => (location.hash = `#/returns/${encodeURIComponent(v)}`)} />
      </PageHeader>
      {orderId && (
        <Async loaded={loaded}>
          {({ items }) =>
            items.length === 0 ? (
              <p>{t('noReturns')}</p>
            ) : (
              <ul class="cards">
                {items.map((r) => (
                  <ReturnCard key={r.returnId} ret={r} onDone={loaded.reload} />
                ))}
              </ul>
            )
          }
        </Async>
      )}
    </>
  );
}
