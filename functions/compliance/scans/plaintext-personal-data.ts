/**
 * Scan `plaintext-personal-data` (CMP-1, SEC-2): personal data stored unencrypted, in every table
 * that holds it. An attribute that must be a field-encrypted value (v1 or v2) but is not, and any
 * other string that looks like a mainland phone number, an e-mail address or a resident ID number
 * in clear:
 *
 * | table       | must be encrypted                                                       | subject |
 * |-------------|-------------------------------------------------------------------------|---------|
 * | orders      | the personal data: one sealed value, or each field of the older map form (checkout's personal-data contract) | `orders#<orderId>` |
 * | tickets     | a ticket's `subject`, `resolution`, `rating.comment`; a message's `body` | `tickets#<pk>#<sk>` |
 * | returns     | `comment`                                                               | `returns#<pk>#<sk>` |
 * | idempotency | a stored response's `sealedBody`; a `body` stored unsealed              | `idempotency#<id>` |
 *
 * An empty string is erased text (SEC-3), not a finding. One `critical` finding per item (personal
 * data at risk now); the details name the attributes and the kinds, never the values.
 */
import { isEncryptedField } from '../../../shared/field-encryption.ts';
import { storedPersonalValues } from '../../checkout/personal-data-contract.ts';
import { personalDataKinds } from '../domain/personal-data-patterns.ts';
import { eachOrder, stringsOf, type OrderSource } from '../order-source.ts';
import { eachItem, type ItemSource } from '../table-source.ts';
import type { ComplianceScan, FindingDraft } from './compliance-scan.ts';

/** The tables besides orders that hold personal data. */
export type PersonalDataTable = 'tickets' | 'returns' | 'idempotency';

/** What the scan reads. */
export interface PlaintextPersonalDataDeps {
  readonly orders: OrderSource;
  /** The other tables, each with its items (all of them in production). */
  readonly tables?: Readonly<Partial<Record<PersonalDataTable, ItemSource>>>;
  readonly pageSize?: number;
}

/** What is in clear in one item: the attributes (paths) and the kinds of personal data recognised. */
export interface Exposure {
  readonly attributes: string[];
  readonly kinds: Set<string>;
}

/** A value that must be encrypted but is not (erased text, `''`, is fine). */
const inClear = (value: unknown) => value !== undefined && value !== null && value !== '' && !isEncryptedField(value);

/** Adds the strings of `strings` that look like personal data (encrypted values are not looked into). */
function recognise(exposure: Exposure, strings: ReadonlyArray<readonly [string, string]>): void {
  for (const [path, text] of strings) {
    if (isEncryptedField(text)) continue;
    const found = personalDataKinds(text);
    if (found.length === 0) continue;
    if (!exposure.attributes.includes(path)) exposure.attributes.push(path);
    for (const kind of found) exposure.kinds.add(kind);
  }
}

/** The attributes of an item of `table` that must be field-encrypted values, with their values. */
function sealedAttributes(table: PersonalDataTable, item: Record<string, unknown>): Array<readonly [string, unknown]> {
  switch (table) {
    case 'tickets': {
      const sk = String(item.sk ?? '');
      if (sk === 'TICKET') {
        const rating = item.rating && typeof item.rating === 'object' ? (item.rating as Record<string, unknown>) : {};
        return [
          ['subject', item.subject],
          ['resolution', item.resolution],
          ['rating.comment', rating.comment],
        ];
      }
      return sk.startsWith('MSG#') ? [['body', item.body]] : [];
    }
    case 'returns':
      return [['comment', item.comment]];
    case 'idempotency':
      return [];
  }
}

/** The subject of an item (its key: ids only, no personal data). */
function subjectOf(table: PersonalDataTable, item: Record<string, unknown>): string {
  return table === 'idempotency' ? `idempotency#${String(item.id)}` : `${table}#${String(item.pk)}#${String(item.sk)}`;
}

/** What is in clear in an item of `table`. */
export function exposureOf(table: PersonalDataTable, item: Record<string, unknown>): Exposure {
  const exposure: Exposure = { attributes: [], kinds: new Set() };
  const sealed = sealedAttributes(table, item);
  for (const [path, value] of sealed) if (inClear(value)) exposure.attributes.push(path);
  const { pk: _pk, sk: _sk, ...rest } = item;
  const { data, ...others } = rest;
  recognise(exposure, stringsOf(table === 'idempotency' ? others : rest));
  if (table === 'idempotency' && data !== undefined) {
    // Powertools stores the response (a map; a JSON string is read too): its body sealed (`sealedBody`), never in clear.
    let response: unknown = data;
    if (typeof data === 'string') {
      try {
        response = JSON.parse(data);
      } catch {
        response = data;
      }
    }
    if (response && typeof response === 'object' && !Array.isArray(response)) {
      const stored = response as Record<string, unknown>;
      if ('sealedBody' in stored && !isEncryptedField(stored.sealedBody)) exposure.attributes.push('data.sealedBody');
      if (typeof stored.body === 'string' && stored.body !== '') exposure.attributes.push('data.body');
    }
    recognise(exposure, stringsOf(response, 'data'));
  }
  return exposure;
}

const LABEL: Record<PersonalDataTable, string> = { tickets: 'Ticket item', returns: 'Return item', idempotency: 'Stored idempotent response' };

/** The scan over orders and the other personal-data tables. */
export function plaintextPersonalDataScan(deps: PlaintextPersonalDataDeps): ComplianceScan {
  return {
    id: 'plaintext-personal-data',
    description:
      'Personal data stored unencrypted (order personal attributes, ticket subjects and messages, return comments, stored idempotent responses not field-encrypted; phone numbers, e-mails or ID numbers in clear)',
    async run(context) {
      const findings: FindingDraft[] = [];
      const report = (subject: string, summary: string, exposure: Exposure) => {
        if (exposure.attributes.length === 0) return;
        findings.push({
          subject,
          severity: 'critical',
          summary: `${summary} holds personal data in clear (${exposure.attributes.length} attribute(s))`,
          details: { attributes: exposure.attributes.slice(0, 20).join(', '), kinds: [...exposure.kinds].sort().join(', ') },
        });
      };
      const orders = await eachOrder(
        deps.orders,
        context.shouldStop,
        (order) => {
          const attributes = storedPersonalValues(order.personal)
            .filter(([, value]) => inClear(value))
            .map(([path]) => path);
          const exposure: Exposure = { attributes, kinds: new Set() };
          recognise(exposure, order.strings);
          report(`orders#${order.orderId}`, `Order ${order.orderId}`, exposure);
        },
        deps.pageSize,
      );
      let examined = orders.examined;
      let complete = orders.complete;
      for (const [table, source] of Object.entries(deps.tables ?? {}) as Array<[PersonalDataTable, ItemSource]>) {
        if (!complete) break;
        const result = await eachItem(
          source,
          context.shouldStop,
          (item) => {
            const subject = subjectOf(table, item);
            report(subject, `${LABEL[table]} ${subject.slice(table.length + 1)}`, exposureOf(table, item));
          },
          deps.pageSize,
        );
        examined += result.examined;
        complete = result.complete;
      }
      return { findings, examined, complete };
    },
  };
}
