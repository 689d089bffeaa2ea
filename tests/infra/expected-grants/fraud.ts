import { audit, consume, idempotency, publish, read, readWrite } from './helpers.ts';

// PutEvents only under fraud's own source (events:source).
const publishes = publish('commerce.fraud');

const risk = ['byDay', 'byQueue'];

export const fraudGrants: Record<string, string[]> = {
  AssessOrderFunction: [...readWrite('RiskTable', risk), ...publishes, ...consume('AssessOrderQueue')],
  // ORD-6: re-assessment after an address correction.
  ReassessOrderFunction: [...readWrite('RiskTable', risk), ...publishes, ...consume('ReassessOrderQueue')],
  RecordRiskOutcomeFunction: [...readWrite('RiskTable', risk), ...consume('RiskPaymentOutcomesQueue'), ...consume('RiskDeliveriesQueue')],
  RiskQueriesFunction: read('RiskTable', risk),
  RiskCommandsFunction: [...readWrite('RiskTable', risk), ...audit, ...idempotency, ...publishes],
  SeedDemoRiskFunction: readWrite('RiskTable', risk),
};
