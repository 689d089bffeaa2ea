/**
 * Scan `plaintext-personal-data` (CMP-1, SEC-2): orders whose personal attributes (checkout's
 * personal-data contract) are not field-encrypted values, and any other string of an order that
 * looks like a mainland phone number, an e-mail address or a resident ID number in clear. One
 * `critical` finding per order (personal data at risk now); the details name the attributes and
 * the kinds, never the values.
 */
import { isEncryptedField } from '../../../shared/field-encryption.ts';
import { ORDER_PERSONAL_ATTRIBUTES } from '../../checkout/personal-data-contract.ts';
import { personalDataKinds } from '../domain/personal-data-patterns.ts';
import { eachOrder, type OrderSource } from '../order-source.ts';
import type { ComplianceScan, FindingDraft } from './compliance-scan.ts';

/** The scan over `orders`. */
export function plaintextPersonalDataScan(deps: { readonly orders: OrderSource; readonly pageSize?: number }): ComplianceScan {
  return {
    id: 'plaintext-personal-data',
    description: 'Personal data stored unencrypted (order personal attributes not field-encrypted, phone numbers, e-mails or ID numbers in clear)',
    async run(context) {
      const findings: FindingDraft[] = [];
      const { examined, complete } = await eachOrder(
        deps.orders,
        context.shouldStop,
        (order) => {
          const attributes = ORDER_PERSONAL_ATTRIBUTES.filter((name) => {
            const value = order.personal?.[name];
            return value !== undefined && value !== null && value !== '' && !isEncryptedField(value);
          }).map((name) => `personal.${name}`);
          const kinds = new Set<string>();
          for (const [path, text] of order.strings) {
            if (isEncryptedField(text)) continue;
            const found = personalDataKinds(text);
            if (found.length > 0) {
              attributes.push(path);
              for (const kind of found) kinds.add(kind);
            }
          }
          if (attributes.length === 0) return;
          findings.push({
            subject: `orders#${order.orderId}`,
            severity: 'critical',
            summary: `Order ${order.orderId} holds personal data in clear (${attributes.length} attribute(s))`,
            details: { attributes: attributes.slice(0, 20).join(', '), kinds: [...kinds].sort().join(', ') },
          });
        },
        deps.pageSize,
      );
      return { findings, examined, complete };
    },
  };
}
