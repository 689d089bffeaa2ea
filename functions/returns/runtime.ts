/**
 * How returns handlers get their ports: each defaults to the real adapter from the environment
 * (created on first use, once per container); tests replace any of them. Also the API view of a
 * return and its comment's encryption: the customer's comment is free text that may hold personal
 * data (SEC-2), so it is stored only encrypted (field encryption, entity `return`, record id = the
 * return id, field `comment`) and decrypted only for the return's own customer.
 */
import { auditLogFromEnv, type AuditLog } from '../../shared/audit.ts';
import type { Principal } from '../../shared/auth.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { eventBridgePublisher, type EventPublisher } from '../../shared/events.ts';
import { FieldDecryptionError, FieldEncryptor, kmsKeyProvider } from '../../shared/field-encryption.ts';
import type { Return } from './domain/return.ts';
import type { ReturnsDeps } from './returns.ts';
import { returnsRepositoryFromEnv, type ReturnsRepository } from './returns-repository.ts';

/** Seals and opens a return's comment. */
export interface CommentCipher {
  /** Seals under the key of `customerId` (the return's customer; format v2, SEC-3) when given. */
  seal(returnId: string, comment: string, customerId?: string): Promise<string>;
  open(returnId: string, stored: string): Promise<string>;
}

/** A {@link CommentCipher} over a field encryptor. */
export function commentCipher(encryptor: Pick<FieldEncryptor, 'encrypt' | 'decrypt'>): CommentCipher {
  return {
    seal: (returnId, comment, customerId) =>
      encryptor.encrypt({ entity: 'return', recordId: returnId, field: 'comment', ...(customerId === undefined ? {} : { subject: customerId }) }, comment),
    // An erased customer's comment reads as empty (their keys are destroyed), never as an error.
    open: (returnId, stored) =>
      encryptor.decrypt({ entity: 'return', recordId: returnId, field: 'comment' }, stored).catch((error: unknown) => {
        if (error instanceof FieldDecryptionError && error.reason === 'erased') return '';
        throw error;
      }),
  };
}

/** Replaceable ports of a returns handler. */
export interface ReturnsPorts {
  readonly repository?: () => ReturnsRepository;
  readonly publisher?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
  readonly audit?: () => AuditLog;
  readonly cipher?: () => CommentCipher;
}

/** The ports of a handler, resolved lazily. */
export function returnsRuntime(ports: ReturnsPorts = {}) {
  let repository: ReturnsRepository | undefined;
  let audit: AuditLog | undefined;
  let cipher: CommentCipher | undefined;
  const runtime = {
    repository: (): ReturnsRepository => (repository ??= (ports.repository ?? returnsRepositoryFromEnv)()),
    audit: (): AuditLog => (audit ??= (ports.audit ?? auditLogFromEnv)()),
    cipher: (): CommentCipher => (cipher ??= (ports.cipher ?? (() => commentCipher(new FieldEncryptor({ kms: kmsKeyProvider() }))))()),
    clock: ports.clock ?? systemClock,
    deps: (): ReturnsDeps & { repository: ReturnsRepository } => ({
      repository: runtime.repository(),
      publisher: ports.publisher ?? ((correlationId) => eventBridgePublisher({ correlationId })),
      clock: ports.clock ?? systemClock,
    }),
  };
  return runtime;
}

/** The API view of a return: the comment decrypted for its own customer only, never for staff. */
export async function returnView(ret: Return, principal: Principal, cipher?: () => CommentCipher): Promise<Record<string, unknown>> {
  const own = ret.customerId === principal.userId;
  const comment = own && ret.comment && cipher ? await cipher().open(ret.returnId, ret.comment) : undefined;
  return {
    returnId: ret.returnId,
    orderId: ret.orderId,
    customerId: ret.customerId,
    kind: ret.kind,
    reason: ret.reason,
    status: ret.status,
    items: ret.items,
    ...(comment !== undefined ? { comment } : {}),
    refundEstimate: { amount: ret.refundEstimate, currency: ret.currency },
    ...(ret.refund
      ? {
          refund: {
            amount: { amount: ret.refund.amount, currency: ret.refund.currency },
            shipping: { amount: ret.refund.shipping, currency: ret.refund.currency },
            express: ret.refund.express,
            status: ret.refund.status,
            requestedAt: ret.refund.requestedAt,
            ...(ret.refund.refundedAt ? { refundedAt: ret.refund.refundedAt } : {}),
          },
        }
      : {}),
    pickup: {
      carrier: ret.pickup.carrier,
      warehouseId: ret.pickup.warehouseId,
      ...(ret.pickup.waybill ? { waybill: ret.pickup.waybill } : {}),
      ...(ret.pickup.bookedAt ? { bookedAt: ret.pickup.bookedAt } : {}),
      ...(ret.pickup.pickedUpAt ? { pickedUpAt: ret.pickup.pickedUpAt } : {}),
      ...(ret.pickup.receivedAt ? { receivedAt: ret.pickup.receivedAt } : {}),
    },
    ...(ret.inspection ? { inspection: { passed: ret.inspection.passed, restock: ret.inspection.restock, outcome: ret.inspection.outcome, at: ret.inspection.at } } : {}),
    ...(ret.replacement ? { replacement: ret.replacement } : {}),
    timeline: ret.timeline,
    createdAt: ret.createdAt,
    updatedAt: ret.updatedAt,
  };
}
