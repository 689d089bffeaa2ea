/** The audit log (SEC-4), newest first, with the hash chain's verification state. */
import { when } from '../format.ts';
import { t } from '../i18n.ts';
import { Async, PageHeader, RefreshButton, useGet } from '../ui.tsx';

interface AuditPage {
  items: Array<{ seq: number; at: string; actor: string; roles: string[]; action: string; resource: { type: string; id: string }; reason?: string }>;
  verification: { verifiedAt: string; intact: boolean; entries: number; breaks: Array<{ seq: number; problem: string }> };
}

export function AuditPage() {
  const loaded = useGet<AuditPage>('/admin/audit?limit=50');
  return (
    <>
      <PageHeader title={t('audit')}>
        <RefreshButton onClick={loaded.reload} />
      </PageHeader>
      <Async loaded={loaded}>
        {(page) => (
          <>
            <section class={page.verification.intact ? 'card ok-card' : 'card error'} aria-labelledby="verification-title" data-testid="verification">
              <h2 id="verification-title">{t('verification')}</h2>
              <p>
                <strong>{page.verification.intact ? t('intact') : t('broken')}</strong> · {page.verification.entries} {t('entries')} · {t('verifiedAt')}{' '}
                {when(page.verification.verifiedAt)}
              </p>
              {page.verification.breaks.length > 0 && (
                <ul>
                  {page.verification.breaks.map((b) => (
                    <li key={b.seq}>
                      #{b.seq}: {b.problem}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t('at')}</th>
                  <th scope="col">{t('actor')}</th>
                  <th scope="col">{t('action')}</th>
                  <th scope="col">{t('resource')}</th>
                  <th scope="col">{t('reason')}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((e) => (
                  <tr key={e.seq}>
                    <td>{e.seq}</td>
                    <td>{when(e.at)}</td>
                    <td>
                      {e.actor} <span class="muted">({e.roles.join(', ')})</span>
                    </td>
                    <td>{e.action}</td>
                    <td>
                      {e.resource.type}/<code>{e.resource.id}</code>
                    </td>
                    <td>{e.reason ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Async>
    </>
  );
}
