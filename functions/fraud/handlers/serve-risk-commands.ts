/**
 * The fraud API's changing routes in one function (see shared/http/route-dispatcher.ts): review decisions,
 * rule changes and their approval, backtests, blocklist changes and threshold changes — each audited.
 * Env: `RISK_TABLE_NAME`, `AUDIT_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`, `EVENT_BUS_NAME`.
 */
import { routeDispatcher } from '../../../shared/http/route-dispatcher.ts';
import {
  approveRiskSettingsChangeRoute,
  approveRuleChangeRoute,
  backtestRoute,
  putRiskSettingsRoute,
  rejectRiskSettingsChangeRoute,
  createRuleRoute,
  decideReviewRoute,
  deleteBlocklistEntryRoute,
  disableRuleRoute,
  putBlocklistEntryRoute,
  rejectRuleChangeRoute,
  updateRuleRoute,
} from '../routes.ts';
import { handler as approveRiskRuleChange } from './approve-risk-rule-change.ts';
import { handler as backtestRiskRules } from './backtest-risk-rules.ts';
import { handler as createRiskRule } from './create-risk-rule.ts';
import { handler as decideReview } from './decide-review.ts';
import { handler as deleteBlocklistEntry } from './delete-blocklist-entry.ts';
import { handler as disableRiskRule } from './disable-risk-rule.ts';
import { handler as putBlocklistEntry } from './put-blocklist-entry.ts';
import { handler as rejectRiskRuleChange } from './reject-risk-rule-change.ts';
import { handler as updateRiskRule } from './update-risk-rule.ts';
import { handler as putRiskSettings } from './put-risk-settings.ts';
import { approveHandler as approveRiskSettingsChange, rejectHandler as rejectRiskSettingsChange } from './decide-risk-settings-change.ts';

/** The Lambda handler. */
export const handler = routeDispatcher([
  [decideReviewRoute, decideReview],
  [createRuleRoute, createRiskRule],
  [updateRuleRoute, updateRiskRule],
  [disableRuleRoute, disableRiskRule],
  [approveRuleChangeRoute, approveRiskRuleChange],
  [rejectRuleChangeRoute, rejectRiskRuleChange],
  [backtestRoute, backtestRiskRules],
  [putBlocklistEntryRoute, putBlocklistEntry],
  [deleteBlocklistEntryRoute, deleteBlocklistEntry],
  [putRiskSettingsRoute, putRiskSettings],
  [approveRiskSettingsChangeRoute, approveRiskSettingsChange],
  [rejectRiskSettingsChangeRoute, rejectRiskSettingsChange],
]);
