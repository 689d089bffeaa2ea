/** Customer-service tickets (AFT-2): the queue with live SLA countdowns; open one, answer it (or write an internal note), resolve it. */
import { useState } from 'preact/hooks';
import { duration, when } from '../format.ts';
import { t } from '../i18n.ts';
import { Async, AsyncItems, Feedback, PageHeader, RefreshButton, Status, useAction, useConsole, useGet, useNow } from '../ui.tsx';

interface Ticket {
  ticketId: string;
  customerId?: string;
  category: string;
  orderId?: string;
  subject: string;
  status: string;
  assignee?: string;
  openedAt: string;
  due: { firstResponse: string; resolution: string };
  paused: boolean;
  breaches: Array<{ clock: string; dueAt: string }>;
  firstRespondedAt?: string;
  resolvedAt?: string;
  resolution?: string;
  messages?: Array<{ messageId: string; author: string; authorId?: string; internal?: boolean; message: string; at: string }>;
}

function Countdown({ due, doneAt, paused, now }: { due: string; doneAt?: string; paused: boolean; now: number }) {
  if (doneAt) return <span class="badge badge-ok">{t('met')}</span>;
  if (paused) return <span class="badge">{t('paused')}</span>;
  const left = Date.parse(due) - now;
  return left >= 0 ? (
    <span class={left < 5 * 60_000 ? 'countdown soon' : 'countdown'}>
      {duration(left)} {t('left')}
    </span>
  ) : (
    <span class="countdown late">
      {t('overdue')} {duration(left)}
    </span>
  );
}

function Queue() {
  const loaded = useGet<{ items: Ticket[] }>('/admin/tickets?limit=50');
  const now = useNow();
  return (
    <>
      <PageHeader title={t('tickets')}>
        <RefreshButton onClick={loaded.reload} />
      </PageHeader>
      <AsyncItems loaded={loaded}>
        {(items) => (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('ticket')}</th>
                <th scope="col">{t('subject')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('firstResponseDue')}</th>
                <th scope="col">{t('resolutionDue')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((ticket) => (
                <tr key={ticket.ticketId} data-ticket={ticket.ticketId}>
                  <td>
                    <a href={`#/tickets/${encodeURIComponent(ticket.ticketId)}`}>{ticket.ticketId}</a>
                  </td>
                  <td>
                    {ticket.subject} <span class="muted">({ticket.category})</span>
                  </td>
                  <td>
                    <Status value={ticket.status} />
                  </td>
                  <td>
                    <Countdown due={ticket.due.firstResponse} doneAt={ticket.firstRespondedAt} paused={ticket.paused} now={now} />
                  </td>
                  <td>
                    <Countdown due={ticket.due.resolution} doneAt={ticket.resolvedAt} paused={ticket.paused} now={now} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </AsyncItems>
    </>
  );
}

function TicketView({ ticketId }: { ticketId: string }) {
  const { api } = useConsole();
  const loaded = useGet<Ticket>(`/tickets/${encodeURIComponent(ticketId)}`);
  const now = useNow();
  const reply = useAction();
  const resolve = useAction();
  const [message, setMessage] = useState('');
  const [internal, setInternal] = useState(false);
  const [resolution, setResolution] = useState('');
  return (
    <>
      <PageHeader title={`${t('ticket')} ${ticketId}`}>
        <a href="#/tickets">{t('back')}</a>
      </PageHeader>
      <Async loaded={loaded}>
        {(ticket) => (
          <>
            <dl class="facts">
              <dt>{t('subject')}</dt>
              <dd>{ticket.subject}</dd>
              <dt>{t('status')}</dt>
              <dd>
                <Status value={ticket.status} />
              </dd>
              <dt>{t('firstResponseDue')}</dt>
              <dd>
                <Countdown due={ticket.due.firstResponse} doneAt={ticket.firstRespondedAt} paused={ticket.paused} now={now} />
              </dd>
              <dt>{t('resolutionDue')}</dt>
              <dd>
                <Countdown due={ticket.due.resolution} doneAt={ticket.resolvedAt} paused={ticket.paused} now={now} />
              </dd>
              {ticket.orderId && (
                <>
                  <dt>{t('order')}</dt>
                  <dd>
                    <code>{ticket.orderId}</code>
                  </dd>
                </>
              )}
            </dl>
            <section aria-labelledby="thread-title">
              <h2 id="thread-title">{t('thread')}</h2>
              <ol class="thread">
                {(ticket.messages ?? []).map((m) => (
                  <li key={m.messageId} class={`msg msg-${m.author}${m.internal ? ' msg-internal' : ''}`}>
                    <div class="muted">
                      {m.author}
                      {m.authorId ? ` (${m.authorId})` : ''} · {when(m.at)}
                      {m.internal ? ` · ${t('internalNote')}` : ''}
                    </div>
                    <p>{m.message}</p>
                  </li>
                ))}
              </ol>
            </section>
            {ticket.status !== 'RESOLVED' && ticket.status !== 'CLOSED' && (
              <>
                <form
                  class="stack"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void reply
                      .run(() => api.post(`/tickets/${encodeURIComponent(ticketId)}/messages`, { message, internal }))
                      .then((r) => {
                        if (r) {
                          setMessage('');
                          loaded.reload();
                        }
                      });
                  }}
                >
                  <label for="reply">{t('reply')}</label>
                  <textarea id="reply" rows={3} required maxLength={4000} value={message} onInput={(e) => setMessage((e.target as HTMLTextAreaElement).value)} />
                  <label class="inline">
                    <input type="checkbox" checked={internal} onChange={(e) => setInternal((e.target as HTMLInputElement).checked)} /> {t('internalNote')}
                  </label>
                  <button type="submit" disabled={reply.busy}>
                    {t('send')}
                  </button>
                  <Feedback action={reply} />
                </form>
                <form
                  class="stack"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void resolve.run(() => api.post(`/admin/tickets/${encodeURIComponent(ticketId)}/resolve`, { resolution })).then((r) => r && loaded.reload());
                  }}
                >
                  <label for="resolution">{t('resolution')}</label>
                  <input id="resolution" required maxLength={2000} value={resolution} onInput={(e) => setResolution((e.target as HTMLInputElement).value)} />
                  <button type="submit" disabled={resolve.busy}>
                    {t('resolve')}
                  </button>
                  <Feedback action={resolve} />
                </form>
              </>
            )}
            {ticket.resolution && (
              <p>
                <strong>{t('resolution')}:</strong> {ticket.resolution}
              </p>
            )}
          </>
        )}
      </Async>
    </>
  );
}

export function TicketsPage({ path }: { path: string[] }) {
  return path[0] ? <TicketView ticketId={path[0]} /> : <Queue />;
}
