/**
 * Dependency rules (ARCHITECTURE.md): pure domain modules — each capability's domain/ folder and the
 * pure kernel (money, ids, clock) — never import the AWS SDK, middy or Powertools, so business
 * rules are tested without mocks. Capabilities never import each other: they talk through events/
 * (except through the documented synchronous contracts named in the rule below).
 * `npm run lint` fails on any violation.
 */
module.exports = {
  forbidden: [
    {
      name: 'pure-domain-has-no-infrastructure',
      comment: 'Domain code is pure: no AWS SDK, middy or Powertools imports.',
      severity: 'error',
      // (and identity's use case, which sits beside its adapter: SEC-1's group is decided without the SDK)
      from: { path: ['^functions/[^/]+/domain/', '^shared/(money|ids|clock|text)\\.ts$', '^functions/identity/add-new-customer-to-group\\.ts$'] },
      to: {
        path: [
          'node_modules/@aws-sdk/',
          'node_modules/@middy/',
          'node_modules/@aws-lambda-powertools/',
          'node_modules/aws-cdk-lib/',
          '^shared/(http|dynamodb|events|idempotency|observability|field-encryption)',
        ],
      },
    },
    {
      name: 'capabilities-talk-through-events',
      comment: 'A capability does not import another capability; it publishes or consumes events/.',
      severity: 'error',
      from: { path: '^functions/([^/]+)/', pathNot: '^functions/platform/' },
      // The documented exceptions, each a capability's one synchronous contract module:
      // - catalog's stock contract: reservations are transaction items joined into the order's transaction;
      // - payments' limits contract (PAY-1): checkout must refuse an order over a payment limit with a 409
      //   before writing it, which an event (after the order exists) cannot do; it reads payments' daily
      //   counters through payments' own reader and applies payments' own rule and settings;
      // - checkout's recipient contract (FUL-3): a real carrier prints the recipient on its label, so
      //   fulfillment's booking decrypts the order's recipient just in time and never stores it.
      // - checkout's contact contract (ORD-6, AFT-1, AFT-2): events carry ids only, so notifications reads the
      //   order's contact email and phone (decrypted just in time, read-only) to send a message, and never stores them.
      // - privacy's consent contract (SEC-3): a marketing message or an analytics job must ask, at that moment,
      //   whether the customer consents (a copy of consents kept elsewhere could be stale after a withdrawal);
      // - checkout's order contract (AFT-1): returns must refuse a return outside the window or above what was
      //   delivered with a 409 at once, and refund what was paid to the fen, so it reads the order's lines, amounts,
      //   delivery time, shipments and risk decision (read-only, no personal data).
      // - suppliers' supplier contract (SUP-1, CMP-1): the compliance scans audit suppliers' licences and sourcing,
      //   reading the suppliers' partition (read-only, no personal data, no deliveries).
      // - catalog's listing contract (CMP-1): a content reviewer's confirmed banned-terms finding takes the listing down at once;
      // - checkout's personal-data contract (CMP-1): the names of the order attributes that hold personal data,
      //   which the plaintext and retention scans check (compliance reads the orders table read-only).
      // - checkout's, returns' and tickets' privacy contracts (SEC-3, CMP-2): a data export must hold everything
      //   of the customer at that moment, and an erasure must remove it at once (not after an event's delay).
      // - privacy's requests contract (CMP-2): the yearly compliance report counts the year's export and erasure
      //   requests and their times to serve (read-only, one Query, ids only).
      // - analytics' quote counter contract (KPI-1): checkout counts each priced basket for the conversion KPI with one
      //   UpdateItem ADD on analytics' day aggregate (a quote changes nothing and has no id: not worth an event).
      // - fraud's metrics contract (KPI-1): analytics computes the fraud false-positive rate with fraud's own formula.
      to: {
        path: '^functions/([^/]+)/',
        pathNot: [
          '^functions/$1/',
          '^functions/catalog/stock-contract\\.ts$',
          '^functions/payments/limits-contract\\.ts$',
          '^functions/checkout/recipient-contract\\.ts$',
          '^functions/checkout/contact-contract\\.ts$',
          '^functions/checkout/order-contract\\.ts$',
          '^functions/privacy/consent-contract\\.ts$',
          '^functions/catalog/listing-contract\\.ts$',
          '^functions/checkout/personal-data-contract\\.ts$',
          '^functions/suppliers/supplier-contract\\.ts$',
          '^functions/(checkout|returns|tickets)/privacy-contract\\.ts$',
          '^functions/privacy/requests-contract\\.ts$',
          '^functions/analytics/quote-counter-contract\\.ts$',
          '^functions/fraud/metrics-contract\\.ts$',
        ],
      },
    },
    {
      name: 'platform-reads-only-route-contracts',
      comment: "The platform capability (health, OpenAPI) may read other capabilities' route registrations, nothing else.",
      severity: 'error',
      from: { path: '^functions/platform/' },
      to: { path: '^functions/(?!platform/)[^/]+/', pathNot: ['^functions/[^/]+/[a-z-]*routes\\.ts$', '^functions/[^/]+/domain/'] },
    },
    {
      name: 'functions-do-not-import-infra',
      comment: 'Handlers run on Lambda: they never import the CDK app or the local cloud.',
      severity: 'error',
      from: { path: '^(functions|shared|events)/' },
      to: { path: '^infra/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs'] },
    // node_modules is not followed (doNotFollow) but must not be excluded: excluded modules vanish from the
    // graph, and the pure-domain rule above would never see an import of the AWS SDK, middy or Powertools.
    exclude: { path: ['cdk.out', '\\.cdk.test.out', '\\.data'] },
  },
};
