/**
 * The adapters fraud handlers use, created on first use per container (so the environment decides
 * where they point), and replaceable by tests through {@link FraudPorts}.
 */
import { auditLogFromEnv, type AuditLog } from '../../shared/audit.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { eventBridgePublisher, type EventPublisher } from '../../shared/events.ts';
import { newId } from '../../shared/ids.ts';
import { assessmentStoreFromEnv, type AssessmentStore } from './assessment-store.ts';
import { ruleStoreFromEnv, type RuleStore } from './rule-store.ts';
import { riskSettingsStoreFromEnv, type RiskSettingsStore } from './settings-store.ts';
import { signalStoreFromEnv, type SignalStore } from './signal-store.ts';

/** Ports a handler may be given; each defaults to the real adapter. */
export interface FraudPorts {
  readonly rules?: () => RuleStore;
  readonly assessments?: () => AssessmentStore;
  readonly signals?: () => SignalStore;
  readonly riskSettings?: () => RiskSettingsStore;
  readonly audit?: () => AuditLog;
  readonly events?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
  readonly newId?: (at?: Date) => string;
}

/** Lazily resolved ports. */
export interface ResolvedPorts {
  rules(): RuleStore;
  assessments(): AssessmentStore;
  signals(): SignalStore;
  riskSettings(): RiskSettingsStore;
  audit(): AuditLog;
  events(correlationId: string): EventPublisher;
  readonly clock: Clock;
  readonly newId: (at?: Date) => string;
}

/** Resolves ports lazily, each adapter created once. */
export function resolvePorts(ports: FraudPorts = {}): ResolvedPorts {
  let rules: RuleStore | undefined;
  let assessments: AssessmentStore | undefined;
  let signals: SignalStore | undefined;
  let riskSettings: RiskSettingsStore | undefined;
  let audit: AuditLog | undefined;
  return {
    rules: () => (rules ??= (ports.rules ?? ruleStoreFromEnv)()),
    assessments: () => (assessments ??= (ports.assessments ?? assessmentStoreFromEnv)()),
    signals: () => (signals ??= (ports.signals ?? signalStoreFromEnv)()),
    riskSettings: () => (riskSettings ??= (ports.riskSettings ?? riskSettingsStoreFromEnv)()),
    audit: () => (audit ??= (ports.audit ?? auditLogFromEnv)()),
    events: (correlationId) => (ports.events ? ports.events(correlationId) : eventBridgePublisher({ correlationId })),
    clock: ports.clock ?? systemClock,
    newId: ports.newId ?? newId,
  };
}
