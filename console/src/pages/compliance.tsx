/** Compliance findings (CMP-1): the scans' findings by status; confirm, dismiss or mark fixed. */
import { useState } from 'preact/hooks';
import { when } from '../format.ts';
import { t } from '../i18n.ts';
import { AsyncItems, Feedback, PageHeader, Status, useAction, useConsole, useGet } from '../ui.tsx';

interface Finding {
  findingId: string;
  scan: string;
  subject: string;
  severity: string;
  summary: string;
  status: string;
  firstSeenAt: string;
  lastSeenAt: string;
  resolution?: { outcome: string; by: string; at: string; note?: string };
}

function Resolve({ finding, onDone }: { finding: Finding; onDone(): void }) {
  const { api } = useConsole();
  const action = useAction();
  const [note, setNote] = useState('');
  const id = `finding-note-${finding.findingId}`;
  const resolve = (resolution: 'fixed' | 'confirmed' | 'dismissed') =>
    void action
      .run(() => api.post(`/admin/compliance/findings/${encodeURIComponent(finding.findingId)}/resolve`, { resolution, ...(note.trim() ? { note } : {}) }))
      .then((r) => r && onDone());
  return (
    <form class="decide" onSubmit={(e) => e.preventDefault()}>
      <label for={id}>{t('note')}</label>
      <input id={id} value={note} maxLength={1000} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
      {finding.status === 'open' && (
        <button type="button" disabled={action.busy} onClick={() => resolve('confirmed')}>
          {t('confirmed')}
        </button>
      )}
      <button type="button" disabled={action.busy} onClick={() => resolve('fixed')}>
        {t('fixed')}
      </button>
      {finding.status === 'open' && (
        <button type="button" class="secondary" disabled={action.busy} onClick={() => resolve('dismissed')}>
          {t('dismissed')}
        </button>
      )}
      <Feedback action={action} />
    </form>
  );
}

export function CompliancePage() {
  const [status, setStatus] = useState('open');
  const loaded = useGet<{ items: Finding[] }>(`/admin/compliance/findings?status=${status}&limit=50`);
  return (
    <>
      <PageHeader title={t('compliance')}>
        <label for="finding-status">{t('status')}</label>
        <select id="finding-status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
          <option value="open">open</option>
          <option value="confirmed">confirmed</option>
          <option value="resolved">resolved</option>
        </select>
      </PageHeader>
      <AsyncItems loaded={loaded}>
        {(items) => (
          <ul class="cards">
            {items.map((f) => (
              <li key={f.findingId} class="card" data-finding={f.findingId}>
                <h2>
                  {f.summary} <Status value={f.severity} /> <Status value={f.status} />
                </h2>
                <dl class="facts">
                  <dt>{t('scan')}</dt>
                  <dd>{f.scan}</dd>
                  <dt>{t('resource')}</dt>
                  <dd>
                    <code>{f.subject}</code>
                  </dd>
                  <dt>{t('firstSeen')}</dt>
                  <dd>{when(f.firstSeenAt)}</dd>
                  {f.resolution && (
                    <>
                      <dt>{t('outcome')}</dt>
                      <dd>
                        {f.resolution.outcome} · {f.resolution.by} · {when(f.resolution.at)} {f.resolution.note}
                      </dd>
                    </>
                  )}
                </dl>
                {f.status !== 'resolved' && <Resolve finding={f} onDone={loaded.reload} />}
              </li>
            ))}
          </ul>
        )}
      </AsyncItems>
    </>
  );
}
