/** Risk review queue (RISK-5): each order's score, level and the rules that fired; approve or reject with a note. */
import { useState } from 'preact/hooks';
import { money, when } from '../format.ts';
import { t } from '../i18n.ts';
import { AsyncItems, Feedback, PageHeader, RefreshButton, Status, useAction, useConsole, useGet } from '../ui.tsx';

interface ReviewItem {
  orderId: string;
  customerId: string;
  placedAt: string;
  amount: { amount: number; currency: string };
  score: number;
  level: string;
  rulesFired: Array<{ ruleId: string; contribution: number; action?: string }>;
  status: 'pending' | 'approved' | 'rejected';
  analystId?: string;
  note?: string;
  decidedAt?: string;
}

function Decide({ item, onDone }: { item: ReviewItem; onDone(): void }) {
  const { api } = useConsole();
  const action = useAction();
  const [note, setNote] = useState('');
  const id = `note-${item.orderId}`;
  const decide = (decision: 'approve' | 'reject') =>
    void action.run(() => api.post(`/admin/reviews/${encodeURIComponent(item.orderId)}`, { decision, note })).then((r) => r && onDone());
  return (
    <form class="decide" onSubmit={(e) => e.preventDefault()}>
      <label for={id}>{t('reviewNoteLabel')}</label>
      <input id={id} value={note} required maxLength={1000} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
      <button type="button" disabled={action.busy || !note.trim()} onClick={() => decide('approve')} data-action="approve">
        {t('approve')}
      </button>
      <button type="button" class="danger" disabled={action.busy || !note.trim()} onClick={() => decide('reject')} data-action="reject">
        {t('reject')}
      </button>
      <Feedback action={action} />
    </form>
  );
}

export function ReviewsPage() {
  const [status, setStatus] = useState<'pending' | 'decided'>('pending');
  const loaded = useGet<{ items: ReviewItem[] }>(`/admin/reviews?status=${status}&limit=50`);
  return (
    <>
      <PageHeader title={t('reviews')}>
        <label for="review-status">{t('status')}</label>
        <select id="review-status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value as 'pending' | 'decided')}>
          <option value="pending">{t('pending')}</option>
          <option value="decided">{t('decided')}</option>
        </select>
        <RefreshButton onClick={loaded.reload} />
      </PageHeader>
      <AsyncItems loaded={loaded}>
        {(items) => (
          <ul class="cards">
            {items.map((item) => (
              <li key={item.orderId} class="card" data-order={item.orderId}>
                <h2>
                  {t('order')} <code>{item.orderId}</code> <Status value={item.status} />
                </h2>
                <dl class="facts">
                  <dt>{t('amount')}</dt>
                  <dd>{money(item.amount.amount, item.amount.currency)}</dd>
                  <dt>{t('score')}</dt>
                  <dd>{item.score}</dd>
                  <dt>{t('level')}</dt>
                  <dd>
                    <Status value={item.level} />
                  </dd>
                  <dt>{t('customer')}</dt>
                  <dd>
                    <code>{item.customerId}</code>
                  </dd>
                  <dt>{t('placedAt')}</dt>
                  <dd>{when(item.placedAt)}</dd>
                  {item.analystId && (
                    <>
                      <dt>{t('decidedBy')}</dt>
                      <dd>
                        {item.analystId} · {when(item.decidedAt)} · {item.note}
                      </dd>
                    </>
                  )}
                </dl>
                <h3>{t('rulesFired')}</h3>
                <ul class="rules">
                  {item.rulesFired.map((r) => (
                    <li key={r.ruleId}>
                      <code>{r.ruleId}</code> +{r.contribution}
                      {r.action ? ` → ${r.action}` : ''}
                    </li>
                  ))}
                </ul>
                {item.status === 'pending' && <Decide item={item} onDone={loaded.reload} />}
              </li>
            ))}
          </ul>
        )}
      </AsyncItems>
    </>
  );
}
