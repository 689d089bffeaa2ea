/**
 * Seeds the demo risk data once (dev stage only; `npm start` and the e2e setup invoke every
 * `SeedDemo…` function; the marker makes repeats free). Env: `RISK_TABLE_NAME`.
 */
import { systemClock } from '../../../shared/clock.ts';
import { newId } from '../../../shared/ids.ts';
import { assessmentStoreFromEnv } from '../assessment-store.ts';
import { seedDemoRisk, type DemoRiskSeedResult } from '../demo-risk.ts';
import { ruleStoreFromEnv } from '../rule-store.ts';
import { riskThresholds } from '../settings.ts';
import { signalStoreFromEnv } from '../signal-store.ts';

/** The Lambda handler (any event). */
export const handler = async (): Promise<DemoRiskSeedResult> =>
  seedDemoRisk({ rules: ruleStoreFromEnv(), assessments: assessmentStoreFromEnv(), signals: signalStoreFromEnv(), clock: systemClock, newId, thresholds: riskThresholds() });
