/**
 * How payments handlers get their ports: each defaults to the real adapter from the environment
 * (created on first use, once per container); tests replace any of them.
 *
 * The payment provider is the exception: only the handlers that call it pass its wiring
 * (`paymentsRuntime(ports, providerFromEnv)`), so the others — reads, COD remittances, refund
 * rejection, recording orders — neither bundle nor load the Stripe SDK (issue 15: 247 KB).
 */
import { auditLogFromEnv, type AuditLog } from '../../shared/audit.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { eventBridgePublisher, type EventPublisher } from '../../shared/events.ts';
import { FieldEncryptor, kmsKeyProvider } from '../../shared/field-encryption.ts';
import { newId } from '../../shared/ids.ts';
import { fieldEncryptionVault, type EngineDeps, type ProviderDeps, type TokenVault } from './engine.ts';
import { paymentsRepositoryFromEnv, type PaymentsRepository } from './payments-repository.ts';
import type { ProviderWiring } from './provider/from-env.ts';
import { paymentsSettings, type PaymentsSettings } from './settings.ts';
import type { RefundDeps } from './refunds.ts';
import { ConfigError, getConfig } from '../../shared/config.ts';

/** Replaceable ports of a payments handler. */
export interface PaymentsPorts {
  readonly repo?: () => PaymentsRepository;
  readonly wiring?: () => Promise<ProviderWiring>;
  readonly publisher?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
  readonly newId?: () => string;
  readonly vault?: () => TokenVault;
  readonly audit?: () => AuditLog;
  readonly settings?: () => PaymentsSettings;
  /** Shorten the redelivery of deferred SQS records with ChangeMessageVisibility (default true). */
  readonly deferRetries?: boolean;
}

let containerVault: TokenVault | undefined;

function vaultFromEnv(): TokenVault {
  containerVault ??= fieldEncryptionVault(new FieldEncryptor({ kms: kmsKeyProvider() }));
  return containerVault;
}

/** The ports of a handler, resolved lazily; `providerWiring` for handlers that call the payment provider. */
export function paymentsRuntime(ports: PaymentsPorts = {}, providerWiring?: () => Promise<ProviderWiring>) {
  let repo: PaymentsRepository | undefined;
  let vault: TokenVault | undefined;
  let audit: AuditLog | undefined;
  const runtime = {
    deferRetries: ports.deferRetries ?? true,
    settings: (): PaymentsSettings => (ports.settings ?? paymentsSettings)(),
    repo: (): PaymentsRepository => (repo ??= (ports.repo ?? paymentsRepositoryFromEnv)()),
    vault: (): TokenVault => (vault ??= (ports.vault ?? vaultFromEnv)()),
    audit: (): AuditLog => (audit ??= (ports.audit ?? auditLogFromEnv)()),
    wiring: (): Promise<ProviderWiring> => {
      const wiring = ports.wiring ?? providerWiring;
      if (!wiring) return Promise.reject(new ConfigError('This payments handler was built without the payment provider (paymentsRuntime(ports, providerFromEnv)).'));
      return wiring();
    },
    engine: (): EngineDeps => ({
      repo: runtime.repo(),
      publisher: ports.publisher ?? ((correlationId) => eventBridgePublisher({ correlationId })),
      clock: ports.clock ?? systemClock,
      newId: ports.newId ?? (() => newId()),
    }),
    providerDeps: async (): Promise<ProviderDeps> => ({ ...runtime.engine(), provider: (await runtime.wiring()).provider }),
    /** RISK-7's maker-checker settings, for the refund use cases. */
    refundPolicy: (): Pick<RefundDeps, 'approval' | 'dayOffsetMinutes'> => ({
      approval: { thresholdMinor: getConfig().refundApprovalThresholdMinor, staffDailyCapMinor: getConfig().refundStaffDailyCapMinor },
      dayOffsetMinutes: runtime.settings().limits.dayOffsetMinutes,
    }),
  };
  return runtime;
}

/** The runtime of a handler. */
export type PaymentsRuntime = ReturnType<typeof paymentsRuntime>;
