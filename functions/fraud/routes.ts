/**
 * The fraud capability's HTTP contracts (validation schemas and OpenAPI in one place): the manual
 * review queue (API.md), the rule admin API with maker-checker, backtests, daily metrics, the
 * risk-event store, assessments, profiles and blocklists. Every route is for `risk-analyst`
 * (`admin` passes staff routes); every change is audited.
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { IdSchema } from '../../events/common.ts';
import { pageSchema, paginationQuerySchema } from '../../shared/http/pagination.ts';
import { defineRoute, type RouteContract } from '../../shared/http/route.ts';
import { freeText } from '../../shared/text.ts';
import { RuleDefinitionSchema, RuleEffectSchema, RuleIdSchema } from './domain/rules.ts';

const RISK_ANALYST = { roles: ['risk-analyst'] } as const;
const TAGS = ['fraud', 'admin'];

const Reason = /* @__PURE__ */ lazily(() => freeText(500).check(z.describe('Why (recorded in the audit trail; no personal data)')));
const DateSchema = /* @__PURE__ */ lazily(() => z.iso.date().check(z.describe('A UTC date, YYYY-MM-DD')));
const Level = /* @__PURE__ */ lazily(() => z.enum(['low', 'medium', 'high']));
const Decision = /* @__PURE__ */ lazily(() => z.enum(['approve', 'review', 'reject']));
const Money = /* @__PURE__ */ lazily(() => z.object({ amount: z.number().check(z.int()), currency: z.string() }));

// ---- documented response shapes ----

const FiredRuleDoc = /* @__PURE__ */ lazily(() =>
  z.object({ ruleId: z.string(), version: z.number().check(z.int()), contribution: z.number().check(z.int()), action: z.optional(z.enum(['allow', 'review', 'block'])) }),
);
const RuleDoc = /* @__PURE__ */ lazily(() =>
  z
    .extend(RuleDefinitionSchema(), { version: z.number().check(z.int(), z.describe('0 = a built-in default not stored yet')), updatedBy: z.string(), updatedAt: z.string() })
    .register(z.globalRegistry, {
      id: 'RiskRule',
    }),
);
/** What every change awaiting a second risk analyst records (RISK-7): rules and thresholds alike. */
const MakerCheckerFields = /* @__PURE__ */ lazily(() => ({
  changeId: z.string(),
  baseVersion: z.number().check(z.int()),
  proposedBy: z.string(),
  proposedAt: z.string(),
  reason: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  decidedBy: z.optional(z.string()),
  decidedAt: z.optional(z.string()),
  decisionReason: z.optional(z.string()),
}));
const RuleChangeDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({ ...MakerCheckerFields(), ruleId: z.string(), kind: z.enum(['create', 'update', 'disable']), proposed: RuleDefinitionSchema() })
    .register(z.globalRegistry, { id: 'RiskRuleChange' }),
);
const ChangeResultDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      outcome: z.enum(['applied', 'pending', 'unchanged']).check(z.describe('applied now, waiting for a second approver, or nothing to change')),
      rule: z.optional(RuleDoc()),
      change: z.optional(RuleChangeDoc()),
    })
    .register(z.globalRegistry, { id: 'RiskRuleChangeResult' }),
);
const ReviewItemDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      orderId: z.string(),
      customerId: z.string(),
      assessmentId: z.string(),
      placedAt: z.string(),
      assessedAt: z.string(),
      amount: Money(),
      score: z.number().check(z.int()),
      level: Level(),
      rulesFired: z.array(z.object({ ruleId: z.string(), contribution: z.number().check(z.int()), action: z.optional(z.string()) })),
      status: z.enum(['pending', 'approved', 'rejected']),
      analystId: z.optional(z.string()),
      note: z.optional(z.string()),
      decidedAt: z.optional(z.string()),
    })
    .register(z.globalRegistry, { id: 'RiskReviewItem' }),
);
const AssessmentDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      assessmentId: z.string(),
      orderId: z.string(),
      customerId: z.string(),
      placedAt: z.string(),
      assessedAt: z.string(),
      amount: Money(),
      features: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
      score: z.number().check(z.int()),
      level: Level(),
      decision: Decision(),
      fired: z.array(FiredRuleDoc()),
      decidedByRule: z.optional(z.string()),
      signals: z.record(z.string(), z.string()).check(z.describe('Pseudonymous signals: keyed hashes, device id, email domain')),
      review: z.optional(
        z.object({ status: z.string(), queuedAt: z.string(), analystId: z.optional(z.string()), note: z.optional(z.string()), decidedAt: z.optional(z.string()) }),
      ),
      fraudRefund: z.optional(z.boolean()),
      addressCorrections: z.optional(z.number().check(z.int())).check(z.describe('ORD-6: a re-assessment after this many address corrections')),
      previous: z
        .optional(z.array(z.object({ assessmentId: z.string(), assessedAt: z.string(), score: z.number().check(z.int()), decision: Decision() })))
        .check(z.describe('The assessments this one replaced, oldest first')),
    })
    .register(z.globalRegistry, { id: 'RiskAssessment' }),
);
const DailyMetricsDoc = /* @__PURE__ */ lazily(() =>
  z.object({
    date: z.string(),
    assessed: z.number().check(z.int()),
    approve: z.number().check(z.int()),
    review: z.number().check(z.int()),
    reject: z.number().check(z.int()),
    low: z.number().check(z.int()),
    medium: z.number().check(z.int()),
    high: z.number().check(z.int()),
    analystApproved: z.number().check(z.int()),
    analystRejected: z.number().check(z.int()),
    pendingReview: z.number().check(z.int()),
    falsePositiveRate: z.nullable(z.number()).check(z.describe('analystApproved / (review + reject); null when nothing was flagged')),
  }),
);
const QualityDoc = /* @__PURE__ */ lazily(() =>
  z.object({
    approve: z.number().check(z.int()),
    review: z.number().check(z.int()),
    reject: z.number().check(z.int()),
    labelled: z.number().check(z.int()),
    truePositives: z.number().check(z.int()),
    falsePositives: z.number().check(z.int()),
    falseNegatives: z.number().check(z.int()),
    trueNegatives: z.number().check(z.int()),
    precision: z.nullable(z.number()),
    recall: z.nullable(z.number()),
  }),
);
const BacktestDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      from: z.string(),
      to: z.string(),
      thresholds: z
        .object({ reviewThreshold: z.number().check(z.int()), rejectThreshold: z.number().check(z.int()) })
        .check(z.describe('The thresholds the proposal was decided with')),
      truncated: z.boolean(),
      evaluated: z.number().check(z.int()),
      changedCount: z.number().check(z.int()),
      changed: z.array(
        z.object({
          orderId: z.string(),
          assessedAt: z.string(),
          from: Decision(),
          to: Decision(),
          scoreFrom: z.number().check(z.int()),
          scoreTo: z.number().check(z.int()),
          rulesFired: z.array(z.string()),
          truth: z.optional(z.enum(['fraud', 'legit'])),
        }),
      ),
      transitions: z.record(z.string(), z.number().check(z.int())),
      current: QualityDoc(),
      proposed: QualityDoc(),
      ruleErrors: z.record(z.string(), z.number().check(z.int())),
    })
    .register(z.globalRegistry, { id: 'RiskBacktestReport' }),
);
const RiskEventDoc = /* @__PURE__ */ lazily(() =>
  z.object({
    kind: z.enum(['assessment', 'analyst-decision', 'fraud-refund']),
    orderId: z.string(),
    customerId: z.string(),
    at: z.string(),
    level: Level(),
    score: z.number().check(z.int()),
    decision: z.optional(Decision()),
    rulesFired: z.array(z.string()),
    analystId: z.optional(z.string()),
  }),
);
const ProfileDoc = /* @__PURE__ */ lazily(() =>
  z.object({
    customerId: z.string(),
    firstSeenAt: z.optional(z.string()),
    lastOrderAt: z.optional(z.string()),
    orderCount: z.number().check(z.int()),
    amountMean: z.number(),
    amountStdDev: z.number(),
    deliveredOrders: z.number().check(z.int()),
    confirmedFraud: z.number().check(z.int()),
    reviewApproved: z.number().check(z.int()),
    paymentFailures: z.number().check(z.int()),
  }),
);
const BlocklistEntryDoc = /* @__PURE__ */ lazily(() =>
  z.object({
    kind: z.string(),
    value: z.string(),
    reason: z.string(),
    addedBy: z.string(),
    addedAt: z.string(),
    removalRequest: z.optional(z.object({ by: z.string(), at: z.string(), reason: z.string() })),
  }),
);

// ---- inputs ----

const OrderPath = /* @__PURE__ */ lazily(() => z.object({ orderId: IdSchema() }));
const RulePath = /* @__PURE__ */ lazily(() => z.object({ ruleId: RuleIdSchema() }));
const ChangePath = /* @__PURE__ */ lazily(() => z.object({ ruleId: RuleIdSchema(), changeId: IdSchema() }));

/** The blocklist kinds (the values of `OrderPlaced.riskSignals` they match). */
export const BlocklistKindSchema = /* @__PURE__ */ lazily(() => z.enum(['email', 'phone', 'address', 'device', 'ip', 'payment', 'emailDomain']));

/** `GET /admin/reviews?status&limit&cursor` — the manual review queue. */
export const listReviewsRoute = /* @__PURE__ */ defineRoute({
  operation: 'listReviews',
  method: 'get',
  pathTemplate: '/admin/reviews',
  summary: 'The manual review queue (pending: oldest first; decided: newest first)',
  tags: TAGS,
  auth: RISK_ANALYST,
  query: () => z.extend(paginationQuerySchema(), { status: z._default(z.enum(['pending', 'decided']), 'pending') }),
  responses: { 200: { description: 'A page of review items', schema: () => pageSchema(ReviewItemDoc()) } },
});

/** `POST /admin/reviews/{orderId}` — an analyst's decision. */
export const decideReviewRoute = /* @__PURE__ */ defineRoute({
  operation: 'decideReview',
  method: 'post',
  pathTemplate: '/admin/reviews/{orderId}',
  summary: 'Approve or reject an order waiting for review',
  description: 'Publishes RiskApproved or RiskRejected with decidedBy analyst. Recorded once: a second decision on the same order is a 409. Audited.',
  tags: TAGS,
  auth: RISK_ANALYST,
  idempotent: true,
  path: OrderPath,
  body: () => z.strictObject({ decision: z.enum(['approve', 'reject']), note: freeText(1000).check(z.describe('The analyst’s reasoning (audited; no personal data)')) }),
  responses: { 200: { description: 'The decided review item', schema: ReviewItemDoc } },
  problems: [404, 409],
});

/** `GET /admin/risk/rules` — the rule set and the feature catalogue. */
export const listRulesRoute = /* @__PURE__ */ defineRoute({
  operation: 'listRiskRules',
  method: 'get',
  pathTemplate: '/admin/risk/rules',
  summary: 'The risk rules in evaluation order, and the features conditions may use',
  tags: TAGS,
  auth: RISK_ANALYST,
  responses: {
    200: {
      description: 'The rule set',
      schema: () =>
        z.object({
          items: z.array(RuleDoc()),
          builtIn: z.boolean().check(z.describe('True while the built-in defaults are in force')),
          features: z.array(z.object({ name: z.string(), type: z.string(), description: z.string() })),
        }),
    },
  },
});

/** `POST /admin/risk/rules` — create a rule. */
export const createRuleRoute = /* @__PURE__ */ defineRoute({
  operation: 'createRiskRule',
  method: 'post',
  pathTemplate: '/admin/risk/rules',
  summary: 'Create a rule (an enabled rule waits for a second approver)',
  tags: TAGS,
  auth: RISK_ANALYST,
  idempotent: true,
  body: () => z.strictObject({ ...RuleDefinitionSchema().shape, reason: Reason() }),
  responses: { 201: { description: 'Created (disabled rule)', schema: ChangeResultDoc }, 202: { description: 'Waiting for a second approver', schema: ChangeResultDoc } },
  problems: [409],
});

/** `PUT /admin/risk/rules/{ruleId}` — update a rule. */
export const updateRuleRoute = /* @__PURE__ */ defineRoute({
  operation: 'updateRiskRule',
  method: 'put',
  pathTemplate: '/admin/risk/rules/{ruleId}',
  summary: 'Update a rule (a change to an enabled rule, or enabling one, waits for a second approver)',
  description: 'Idempotent by nature: the current definition again changes nothing; the same pending proposal again returns that change.',
  tags: TAGS,
  auth: RISK_ANALYST,
  path: RulePath,
  body: () =>
    z.strictObject({
      description: RuleDefinitionSchema().shape.description,
      priority: RuleDefinitionSchema().shape.priority,
      enabled: RuleDefinitionSchema().shape.enabled,
      condition: RuleDefinitionSchema().shape.condition,
      effect: RuleEffectSchema(),
      reason: Reason(),
    }),
  responses: {
    200: { description: 'Applied (disabled rule) or unchanged', schema: ChangeResultDoc },
    202: { description: 'Waiting for a second approver', schema: ChangeResultDoc },
  },
  problems: [404, 409],
});

/** `POST /admin/risk/rules/{ruleId}/disable`. */
export const disableRuleRoute = /* @__PURE__ */ defineRoute({
  operation: 'disableRiskRule',
  method: 'post',
  pathTemplate: '/admin/risk/rules/{ruleId}/disable',
  summary: 'Disable a rule (an enabled rule waits for a second approver)',
  tags: TAGS,
  auth: RISK_ANALYST,
  idempotent: true,
  path: RulePath,
  body: () => z.strictObject({ reason: Reason() }),
  responses: { 200: { description: 'Already disabled', schema: ChangeResultDoc }, 202: { description: 'Waiting for a second approver', schema: ChangeResultDoc } },
  problems: [404, 409],
});

/** `GET /admin/risk/rule-changes?status`. */
export const listRuleChangesRoute = /* @__PURE__ */ defineRoute({
  operation: 'listRiskRuleChanges',
  method: 'get',
  pathTemplate: '/admin/risk/rule-changes',
  summary: 'Proposed rule changes by status, newest first',
  tags: TAGS,
  auth: RISK_ANALYST,
  query: () => z.extend(paginationQuerySchema(), { status: z._default(z.enum(['pending', 'approved', 'rejected']), 'pending') }),
  responses: { 200: { description: 'A page of changes', schema: () => pageSchema(RuleChangeDoc()) } },
});

/** `POST /admin/risk/rules/{ruleId}/changes/{changeId}/approve` — the second approver. */
export const approveRuleChangeRoute = /* @__PURE__ */ defineRoute({
  operation: 'approveRiskRuleChange',
  method: 'post',
  pathTemplate: '/admin/risk/rules/{ruleId}/changes/{changeId}/approve',
  summary: 'Approve a pending rule change (not its proposer) and apply it',
  tags: TAGS,
  auth: RISK_ANALYST,
  idempotent: true,
  path: ChangePath,
  body: () => z.strictObject({ reason: Reason() }),
  responses: { 200: { description: 'Applied', schema: ChangeResultDoc } },
  problems: [404, 409],
});

/** `POST /admin/risk/rules/{ruleId}/changes/{changeId}/reject`. */
export const rejectRuleChangeRoute = /* @__PURE__ */ defineRoute({
  operation: 'rejectRiskRuleChange',
  method: 'post',
  pathTemplate: '/admin/risk/rules/{ruleId}/changes/{changeId}/reject',
  summary: 'Reject (or withdraw) a pending rule change',
  tags: TAGS,
  auth: RISK_ANALYST,
  idempotent: true,
  path: ChangePath,
  body: () => z.strictObject({ reason: Reason() }),
  responses: { 200: { description: 'Rejected', schema: RuleChangeDoc } },
  problems: [404, 409],
});

/** `POST /admin/risk/backtest` — read-only: no Idempotency-Key. */
export const backtestRoute = /* @__PURE__ */ defineRoute({
  operation: 'backtestRiskRules',
  method: 'post',
  pathTemplate: '/admin/risk/backtest',
  summary: 'Backtest a proposed rule set over the orders assessed in a time range',
  description:
    'Re-evaluates the stored features of past assessments under `rules` (the whole proposed rule set) and reports the orders whose decision would change, with precision and recall of the stored decisions and of the proposal against review outcomes and refunds flagged as fraud. Changes nothing.',
  tags: TAGS,
  auth: RISK_ANALYST,
  body: () =>
    z.strictObject({
      from: z.iso.datetime().check(z.describe('Start of the range (assessment time)')),
      to: z.iso.datetime().check(z.describe('End of the range')),
      rules: z.array(RuleDefinitionSchema()).check(z.minLength(1), z.maxLength(500)),
      maxChanged: z.optional(z.number().check(z.int(), z.gte(0), z.lte(5000))).check(z.describe('How many changed orders to list (default 500)')),
      thresholds: z
        .optional(z.strictObject({ reviewThreshold: z.number().check(z.int(), z.gte(0), z.lte(100)), rejectThreshold: z.number().check(z.int(), z.gte(1), z.lte(100)) }))
        .check(z.describe('Score thresholds to decide with (default: the ones in force, 40 and 75)')),
    }),
  responses: { 200: { description: 'The backtest report', schema: BacktestDoc } },
});

/** `GET /admin/risk/metrics?from&to` — daily false-positive rate. */
export const riskMetricsRoute = /* @__PURE__ */ defineRoute({
  operation: 'getRiskMetrics',
  method: 'get',
  pathTemplate: '/admin/risk/metrics',
  summary: 'Daily risk metrics: decisions, levels, analyst outcomes and the false-positive rate',
  tags: TAGS,
  auth: RISK_ANALYST,
  query: () => z.object({ from: DateSchema(), to: DateSchema() }),
  responses: {
    200: {
      description: 'Per day and in total',
      schema: () => z.object({ from: z.string(), to: z.string(), days: z.array(DailyMetricsDoc()), totals: z.omit(DailyMetricsDoc(), { date: true }) }),
    },
  },
});

/** `GET /admin/risk/events?date&level` — the risk-event store. */
export const riskEventsRoute = /* @__PURE__ */ defineRoute({
  operation: 'listRiskEvents',
  method: 'get',
  pathTemplate: '/admin/risk/events',
  summary: 'Risk events of a day (assessments, analyst decisions, fraud refunds), oldest first',
  tags: TAGS,
  auth: RISK_ANALYST,
  query: () => z.extend(paginationQuerySchema(), { date: DateSchema(), level: z.optional(Level()) }),
  responses: { 200: { description: 'A page of risk events', schema: () => pageSchema(RiskEventDoc()) } },
});

/** `GET /admin/risk/assessments/{orderId}` — staff only. */
export const getAssessmentRoute = /* @__PURE__ */ defineRoute({
  operation: 'getRiskAssessment',
  method: 'get',
  pathTemplate: '/admin/risk/assessments/{orderId}',
  summary: 'The risk assessment of an order: features, score, level, decision and every rule that fired',
  tags: TAGS,
  auth: RISK_ANALYST,
  path: OrderPath,
  responses: { 200: { description: 'The assessment', schema: AssessmentDoc } },
  problems: [404],
});

/** `GET /admin/risk/profiles/{customerId}`. */
export const getRiskProfileRoute = /* @__PURE__ */ defineRoute({
  operation: 'getRiskProfile',
  method: 'get',
  pathTemplate: '/admin/risk/profiles/{customerId}',
  summary: 'A customer’s risk profile (history and outcomes)',
  tags: TAGS,
  auth: RISK_ANALYST,
  path: () =>
    z.object({
      customerId: z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[A-Za-z0-9:_.@-]+$/, 'Must be a user id')),
    }),
  responses: { 200: { description: 'The profile', schema: ProfileDoc } },
  problems: [404],
});

const BlocklistPath = /* @__PURE__ */ lazily(() => z.object({ kind: BlocklistKindSchema(), value: z.string().check(z.minLength(1), z.maxLength(253)) }));

/** `PUT /admin/risk/blocklist/{kind}/{value}`. */
export const putBlocklistEntryRoute = /* @__PURE__ */ defineRoute({
  operation: 'putRiskBlocklistEntry',
  method: 'put',
  pathTemplate: '/admin/risk/blocklist/{kind}/{value}',
  summary: 'Blocklist a value: a keyed hash (email, phone, address, ip), a device id, a payment fingerprint or an email domain',
  tags: TAGS,
  auth: RISK_ANALYST,
  path: BlocklistPath,
  body: () => z.strictObject({ reason: Reason() }),
  responses: { 200: { description: 'Blocklisted (or already)', schema: BlocklistEntryDoc }, 201: { description: 'Blocklisted', schema: BlocklistEntryDoc } },
});

/** `DELETE /admin/risk/blocklist/{kind}/{value}?reason=`. */
export const deleteBlocklistEntryRoute = /* @__PURE__ */ defineRoute({
  operation: 'deleteRiskBlocklistEntry',
  method: 'delete',
  pathTemplate: '/admin/risk/blocklist/{kind}/{value}',
  summary: 'Remove a value from the blocklist (a second risk analyst must confirm)',
  description:
    'RISK-7: the first risk analyst’s request marks the entry (202, the value stays blocked); the same request again answers the same; a request by another risk analyst removes it (204). Each step is audited.',
  tags: TAGS,
  auth: RISK_ANALYST,
  path: BlocklistPath,
  query: () => z.object({ reason: Reason() }),
  responses: { 202: { description: 'Removal requested: waiting for a second risk analyst', schema: BlocklistEntryDoc }, 204: { description: 'Removed' } },
  problems: [404, 409],
});

/** Every fraud route, for the OpenAPI document and the API. */
// ---- The score thresholds as data (RISK-4), changed with a second analyst's approval (RISK-7) ----

const ThresholdsDoc = /* @__PURE__ */ lazily(() =>
  z.object({
    reviewThreshold: z.number().check(z.int()),
    rejectThreshold: z.number().check(z.int()),
    version: z.number().check(z.int()),
    updatedBy: z.optional(z.string()),
    updatedAt: z.optional(z.string()),
  }),
);
const ThresholdChangeDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({ ...MakerCheckerFields(), reviewThreshold: z.number().check(z.int()), rejectThreshold: z.number().check(z.int()) })
    .register(z.globalRegistry, { id: 'RiskThresholdChange' }),
);
const SettingsChangePath = /* @__PURE__ */ lazily(() => z.object({ changeId: IdSchema() }));

/** `GET /admin/settings/risk` — risk-analyst. */
export const getRiskSettingsRoute = /* @__PURE__ */ defineRoute({
  operation: 'getRiskSettings',
  method: 'get',
  pathTemplate: '/admin/settings/risk',
  summary: 'The risk score thresholds in force and the changes waiting for a second analyst',
  tags: TAGS,
  auth: RISK_ANALYST,
  responses: { 200: { description: 'Thresholds and pending changes', schema: () => z.object({ current: ThresholdsDoc(), pending: z.array(ThresholdChangeDoc()) }) } },
});

/** `PUT /admin/settings/risk` — risk-analyst; waits for a second analyst. */
export const putRiskSettingsRoute = /* @__PURE__ */ defineRoute({
  operation: 'putRiskSettings',
  method: 'put',
  pathTemplate: '/admin/settings/risk',
  summary: 'Propose new risk score thresholds (a second risk analyst approves)',
  description:
    'The proposal changes nothing until a different risk analyst approves it (202 with the pending change); the thresholds in force again → 200, nothing recorded. Audited.',
  tags: TAGS,
  auth: RISK_ANALYST,
  body: () =>
    z.strictObject({
      reviewThreshold: z.number().check(z.int(), z.gte(0), z.lte(100)),
      rejectThreshold: z.number().check(z.int(), z.gte(1), z.lte(100)),
      reason: Reason().check(z.minLength(3)),
    }),
  responses: {
    200: { description: 'Already in force', schema: () => z.object({ current: ThresholdsDoc() }) },
    202: { description: 'Waiting for a second risk analyst', schema: ThresholdChangeDoc },
  },
});

/** `POST /admin/settings/risk/changes/{changeId}/approve` — another risk-analyst. */
export const approveRiskSettingsChangeRoute = /* @__PURE__ */ defineRoute({
  operation: 'approveRiskSettingsChange',
  method: 'post',
  pathTemplate: '/admin/settings/risk/changes/{changeId}/approve',
  summary: 'Approve (and apply) a pending threshold change — not its proposer',
  tags: TAGS,
  auth: RISK_ANALYST,
  idempotent: true,
  path: SettingsChangePath,
  body: () => z.strictObject({ reason: Reason().check(z.minLength(3)) }),
  responses: {
    200: { description: 'Applied: the next assessment decides with these thresholds', schema: () => z.object({ change: ThresholdChangeDoc(), current: ThresholdsDoc() }) },
  },
  problems: [404, 409],
});

/** `POST /admin/settings/risk/changes/{changeId}/reject` — another risk-analyst. */
export const rejectRiskSettingsChangeRoute = /* @__PURE__ */ defineRoute({
  operation: 'rejectRiskSettingsChange',
  method: 'post',
  pathTemplate: '/admin/settings/risk/changes/{changeId}/reject',
  summary: 'Reject a pending threshold change',
  tags: TAGS,
  auth: RISK_ANALYST,
  idempotent: true,
  path: SettingsChangePath,
  body: () => z.strictObject({ reason: Reason().check(z.minLength(3)) }),
  responses: { 200: { description: 'Rejected', schema: () => z.object({ change: ThresholdChangeDoc(), current: ThresholdsDoc() }) } },
  problems: [404, 409],
});

export const fraudRoutes: readonly RouteContract[] = [
  listReviewsRoute,
  decideReviewRoute,
  listRulesRoute,
  createRuleRoute,
  updateRuleRoute,
  disableRuleRoute,
  listRuleChangesRoute,
  approveRuleChangeRoute,
  rejectRuleChangeRoute,
  backtestRoute,
  riskMetricsRoute,
  riskEventsRoute,
  getAssessmentRoute,
  getRiskProfileRoute,
  putBlocklistEntryRoute,
  deleteBlocklistEntryRoute,
  getRiskSettingsRoute,
  putRiskSettingsRoute,
  approveRiskSettingsChangeRoute,
  rejectRiskSettingsChangeRoute,
] as readonly RouteContract[];
