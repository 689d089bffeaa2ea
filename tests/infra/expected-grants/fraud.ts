import { audit, consume, idempotency, publish, read, readWrite } from './helpers.ts';

const risk = ['byDay', 'byQueue'];

export const fraudGrants: Record<string, string[]> = {
  AssessOrderFunction: [...readWrite('RiskTable', risk), ...publish, ...consume('AssessOrderQueue')],
  RecordRiskOutcomeFunction: [...readWrite('RiskTable', risk), ...consume('RiskPaymentOutcomesQueue'), ...consume('RiskDeliveriesQueue')],
  RiskQueriesFunction: read('RiskTable', risk),
  RiskCommandsFunction: [...readWrite('RiskTable', risk), ...audit, ...idempotency, ...publish],
  SeedDemoRiskFunction: readWrite('RiskTable', risk),
};
