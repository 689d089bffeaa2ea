/** Refund approvals (PAY-5 maker-checker): an order's refunds waiting for a second approver, who asked and why; approve or reject. */
import { useState } from 'preact/hooks';
import { money, when } from '../format.ts';
import { t } from '../i18n.ts';
import { Async, Feedback, Lookup, PageHeader, Status, useAction, useConsole, useGet } from '../ui.tsx';

interface Refund {
  refundId: string;
  orderId: string;
  currency: string;
  amount: number;
  reason: string;
  origin: string;
  status: string;
  requestedBy: string;
  requestedAt: string;
  approvedBy?: string;
  rejectedBy?: string;
  rejectionNote?: string;
  approvalRequiredBy?: string;
}

function RefundRow({ refund, onDone }: { refund: Refund; onDone(): void }) {
  const { api, session } = useConsole();
  const action = useAction();
  const [note, setNote] = useState('');
  const path = `/orders/${encodeURIComponent(refund.orderId)}/refunds/${encodeURIComponent(refund.refundId)}`;
  const own = refund.requestedBy === session.sub;
  return (
    <li class="card" data-refund={refund.refundId}>
      <h2>
        {t('refund')} <code>{refund.refundId}</code> <Status value={refund.status} />
      </h2>
      <dl class="facts">
        <dt>{t('amount')}</dt>
        <dd>{money(refund.amount, refund.currency)}</dd>
        <dt>{t('requestedBy')}</dt>
        <dd>
          <strong>{refund.requestedBy}</strong> · {when(refund.requestedAt)}
        </dd>
        <dt>{t('reason')}</dt>
        <dd>
          {refund.reason} ({refund.origin})
        </dd>
        {refund.approvalRequiredBy && (
          <>
            <dt>{t('why')}</dt>
            <dd>{refund.approvalRequiredBy}</dd>
          </>
        )}
        {(refund.approvedBy || refund.rejectedBy) && (
          <>
            <dt>{t('decidedBy')}</dt>
            <dd>
              {refund.approvedBy ?? refund.rejectedBy} {refund.rejectionNote ? `· ${refund.rejectionNote}` : ''}
            </dd>
          </>
        )}
      </dl>
      {refund.status === 'pending_approval' && (
        <form class="decide" onSubmit={(e) => e.preventDefault()}>
          <button type="button" disabled={action.busy || own} onClick={() => void action.run(() => api.post(`${path}/approve`)).then((r) => r && onDone())}>
            {t('approve')}
          </button>
          <label for={`reject-${refund.refundId}`}>{t('rejectNote')}</label>
          <input id={`reject-${refund.refundId}`} value={note} maxLength={1000} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
          <button
            type="button"
            class="danger"
            disabled={action.busy || own || !note.trim()}
            onClick={() => void action.run(() => api.post(`${path}/reject`, { note })).then((r) => r && onDone())}
          >
            {t('reject')}
          </button>
          <Feedback action={action} />
        </form>
      )}
    </li>
  );
}

export function RefundsPage({ path }: { path: string[] }) {
  const orderId = path[0] ?? '';
  const loaded = useGet<{ refunds: Refund[] }>(orderId ? `/admin/payments/${encodeURIComponent(orderId)}` : undefined);
  return (
    <>
      <PageHeader title={t('refunds')}>
        <Lookup id="refund-order" label={t('orderId')} value={orderId} onSubmit={(v) => (location.hash = `#/refunds/${encodeURIComponent(v)}`)} />
      </PageHeader>
      {orderId && (
        <Async loaded={loaded}>
          {({ refunds }) =>
            refunds.length === 0 ? (
              <p>{t('noPendingRefunds')}</p>
            ) : (
              <ul class="cards">
                {[...refunds]
                  .sort((a, b) => Number(b.status === 'pending_approval') - Number(a.status === 'pending_approval'))
                  .map((r) => (
                    <RefundRow key={r.refundId} refund={r} onDone={loaded.reload} />
                  ))}
              </ul>
            )
          }
        </Async>
      )}
    </>
  );
}
