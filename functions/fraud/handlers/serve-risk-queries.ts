/**
 * The fraud API's read-only routes in one function (see shared/http/route-dispatcher.ts): the review queue,
 * rules, rule changes, metrics, risk events, assessments, profiles and the thresholds. Env: `RISK_TABLE_NAME`.
 */
import { routeDispatcher } from '../../../shared/http/route-dispatcher.ts';
import {
  getAssessmentRoute,
  getRiskProfileRoute,
  getRiskSettingsRoute,
  listReviewsRoute,
  listRuleChangesRoute,
  listRulesRoute,
  riskEventsRoute,
  riskMetricsRoute,
} from '../routes.ts';
import { handler as getRiskAssessment } from './get-risk-assessment.ts';
import { handler as getRiskMetrics } from './get-risk-metrics.ts';
import { handler as getRiskProfile } from './get-risk-profile.ts';
import { handler as listReviews } from './list-reviews.ts';
import { handler as listRiskEvents } from './list-risk-events.ts';
import { handler as listRiskRuleChanges } from './list-risk-rule-changes.ts';
import { handler as listRiskRules } from './list-risk-rules.ts';
import { handler as getRiskSettings } from './get-risk-settings.ts';

/** The Lambda handler. */
export const handler = routeDispatcher([
  [listReviewsRoute, listReviews],
  [listRulesRoute, listRiskRules],
  [listRuleChangesRoute, listRiskRuleChanges],
  [riskMetricsRoute, getRiskMetrics],
  [riskEventsRoute, listRiskEvents],
  [getAssessmentRoute, getRiskAssessment],
  [getRiskProfileRoute, getRiskProfile],
  [getRiskSettingsRoute, getRiskSettings],
]);
