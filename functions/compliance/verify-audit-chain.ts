/**
 * Use case (CMP-1 "audit-log chain breaks", SEC-4, RISK-7; scheduled): walks the whole audit chain
 * from entry 1 to the head, verifying every entry's MAC (KMS VerifyMac through the {@link ChainMac}
 * port), every link (`prevHash`), every sequence number (a removed entry is a gap; reordered
 * entries are gaps and broken links) and the head against the last entry (a removed tail). Any
 * break opens a high-severity finding; an intact chain resolves an open one. The result is stored
 * as the chain's verification state (what `GET /admin/audit` reports).
 */
import { GENESIS, verifyChain, type AuditEntry, type ChainBreak, type ChainMac } from '../../shared/audit.ts';
import type { Clock } from '../../shared/clock.ts';

/** A break, including those only the head reveals. */
export interface AuditChainBreak {
  readonly seq: number;
  readonly problem: ChainBreak['problem'] | 'head-mismatch';
}

/** The outcome of one verification (stored as the verification state). */
export interface AuditChainVerification {
  readonly verifiedAt: string;
  readonly intact: boolean;
  /** Entries checked. */
  readonly entries: number;
  /** The head verified (seq and hash), if the chain is not empty. */
  readonly head?: { readonly seq: number; readonly hash: string };
  /** The first breaks found (at most 100). */
  readonly breaks: readonly AuditChainBreak[];
}

/** Reading the chain (the verifier alone may). */
export interface AuditChainSource {
  head(): Promise<{ seq: number; hash: string } | undefined>;
  /** Entries with `seq` in [from, to], ascending. */
  entries(from: number, to: number): Promise<AuditEntry[]>;
}

/** Where the result goes: the finding (CMP-1) and the verification state. */
export interface AuditChainFindings {
  /** Opens (or updates) the high-severity chain-break finding. */
  recordAuditChainBreak(verification: AuditChainVerification): Promise<void>;
  /** Resolves an open chain-break finding, if any. */
  resolveAuditChainBreak(at: Date): Promise<void>;
  saveAuditChainVerification(verification: AuditChainVerification): Promise<void>;
}

export interface VerifyAuditChainDeps {
  readonly chain: AuditChainSource;
  readonly mac: ChainMac;
  readonly findings: AuditChainFindings;
  readonly clock: Clock;
}

const MAX_BREAKS = 100;

/** Verifies the chain and records the result. */
export async function verifyAuditChain(deps: VerifyAuditChainDeps, options: { pageSize?: number } = {}): Promise<AuditChainVerification> {
  const pageSize = options.pageSize ?? 500;
  const head = await deps.chain.head();
  const breaks: AuditChainBreak[] = [];
  let checked = 0;
  let previous: AuditEntry | undefined;
  if (head) {
    for (let from = 1; from <= head.seq; from += pageSize) {
      const to = Math.min(head.seq, from + pageSize - 1);
      const page = await deps.chain.entries(from, to);
      if (page.length === 0) {
        breaks.push({ seq: from, problem: 'gap' });
        continue;
      }
      // The page's run is checked from the entry expected next (1, or the one after the last seen).
      const expectedFirst = previous ? previous.seq + 1 : 1;
      if (page[0]!.seq !== expectedFirst) breaks.push({ seq: page[0]!.seq, problem: 'gap' });
      const pageBreaks = await verifyChain(page, deps.mac, previous ? previous.hash : GENESIS);
      // verifyChain numbers its gaps from the page's first entry; the first-entry gap is reported above.
      breaks.push(...pageBreaks);
      checked += page.length;
      previous = page[page.length - 1];
    }
    if (!previous || previous.seq !== head.seq || previous.hash !== head.hash) breaks.push({ seq: head.seq, problem: 'head-mismatch' });
  }
  const verification: AuditChainVerification = {
    verifiedAt: deps.clock.now().toISOString(),
    intact: breaks.length === 0,
    entries: checked,
    ...(head ? { head: { seq: head.seq, hash: head.hash } } : {}),
    breaks: breaks.slice(0, MAX_BREAKS),
  };
  if (verification.intact) await deps.findings.resolveAuditChainBreak(deps.clock.now());
  else await deps.findings.recordAuditChainBreak(verification);
  await deps.findings.saveAuditChainVerification(verification);
  return verification;
}
