/**
 * Read models for risk analysts (RISK-5, RISK-6): daily metrics with the false-positive rate, the
 * risk-event store by day, an order's assessment, a customer's profile.
 */
import { invalidFields, notFound } from '../../shared/errors.ts';
import type { Assessment, AssessmentStore, Page, RiskEvent } from './assessment-store.ts';
import { dailyMetrics, datesBetween, falsePositiveRate, addCounts, ZERO_COUNTS, type DailyRiskMetrics } from './domain/metrics.ts';
import { profileView } from './domain/profile.ts';
import type { RiskLevel } from './domain/scoring.ts';

/** Daily metrics from `from` to `to` (dates, inclusive) and their totals. */
export async function riskMetrics(
  deps: { assessments: Pick<AssessmentStore, 'dailyCounts'>; shards: number; maxDays: number },
  query: { from: string; to: string },
): Promise<{ from: string; to: string; days: DailyRiskMetrics[]; totals: Omit<DailyRiskMetrics, 'date'> }> {
  if (query.from > query.to) throw invalidFields([{ path: 'query.to', message: 'Must not be before from' }]);
  const dates = datesBetween(query.from, query.to);
  if (dates.length > deps.maxDays) throw invalidFields([{ path: 'query.to', message: `At most ${deps.maxDays} days per request` }]);
  const counts = await deps.assessments.dailyCounts(dates, deps.shards);
  const days = dates.map((date) => dailyMetrics(date, counts.get(date) ?? ZERO_COUNTS));
  const total = days.reduce((sum, day) => addCounts(sum, day), ZERO_COUNTS);
  const { date: _date, ...totals } = dailyMetrics('total', total);
  return { from: query.from, to: query.to, days, totals: { ...totals, falsePositiveRate: falsePositiveRate(total) } };
}

/** The risk events of a day. */
export async function riskEvents(
  deps: { assessments: Pick<AssessmentStore, 'listRiskEvents'> },
  query: { date: string; level?: RiskLevel; limit: number; cursor?: string },
): Promise<Page<RiskEvent>> {
  return deps.assessments.listRiskEvents(query);
}

/** The assessment of an order (staff only): features, score, level, decision, fired rules. */
export async function getAssessment(deps: { assessments: Pick<AssessmentStore, 'get'> }, orderId: string): Promise<Assessment> {
  const assessment = await deps.assessments.get(orderId);
  if (!assessment) throw notFound('No assessment for this order.');
  return assessment;
}

/** A customer's risk profile. */
export async function getRiskProfile(deps: { assessments: Pick<AssessmentStore, 'getProfile'>; zScoreMinStdDevPercent: number }, customerId: string) {
  const profile = await deps.assessments.getProfile(customerId);
  if (!profile) throw notFound('No risk profile for this customer.');
  return profileView(profile, deps.zScoreMinStdDevPercent);
}
