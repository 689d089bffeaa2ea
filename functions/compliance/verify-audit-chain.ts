/**
 * Use case (CMP-1 "audit-log chain breaks", SEC-4, RISK-7; scheduled): walks the whole audit chain
 * from entry 1 to the head, verifying every entry's MAC (KMS VerifyMac through the {@link ChainMac}
 * port), every link (`prevHash`), every sequence number (a removed entry is a gap; reordered
 * entries are gaps and broken links) and the head against the last entry (a removed tail). Any
 * break opens a high-severity finding; an intact chain resolves an open one. The result is stored
 * as the chain's verification state (what `GET /admin/audit` reports).
 *
 * The head of an intact chain is then **anchored outside the table** ({@link AuditChainAnchors}: an
 * S3 bucket with Object Lock in compliance mode, which nobody — not even the account's root — can
 * overwrite or delete before its retention ends). The next verification checks that the chain
 * still holds the anchored entry with the anchored hash: someone able to write the table and to
 * MAC with the key could rebuild a consistent chain, but not one that matches the anchor
 * (`anchor-mismatch`). A broken chain is never anchored.
 */
import { GENESIS, verifyChain, type AuditEntry, type ChainBreak, type ChainMac } from '../../shared/audit.ts';
import type { Clock } from '../../shared/clock.ts';

/** The metric an alarm watches: breaks found by the last verification. */
export const AUDIT_CHAIN_BREAKS_METRIC = 'AuditChainBreaks';

/** The object every anchor is a version of (audit-chain-anchors.ts). */
export const AUDIT_ANCHOR_KEY = 'audit-chain/head.json';

/** A break, including those only the head reveals. */
export interface AuditChainBreak {
  readonly seq: number;
  readonly problem: ChainBreak['problem'] | 'head-mismatch' | 'anchor-mismatch';
}

/** A head written to write-once storage. */
export interface AuditChainAnchor {
  readonly seq: number;
  readonly hash: string;
  readonly anchoredAt: string;
}

/** Write-once storage of chain heads (S3 Object Lock in AWS). */
export interface AuditChainAnchors {
  /** The last head anchored, if any. */
  latest(): Promise<AuditChainAnchor | undefined>;
  /** Anchors `head` (a new write-once record). */
  anchor(anchor: AuditChainAnchor): Promise<void>;
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
  /** The anchor checked against (before this run), and whether this run anchored its head. */
  readonly anchor?: { readonly checked?: { readonly seq: number; readonly hash: string }; readonly anchoredHead: boolean };
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
  /** Write-once anchors of the head; without them the chain is verified against itself only. */
  readonly anchors?: AuditChainAnchors;
}

const MAX_BREAKS = 100;

/** Verifies the chain and records the result. */
export async function verifyAuditChain(deps: VerifyAuditChainDeps, options: { pageSize?: number } = {}): Promise<AuditChainVerification> {
  const pageSize = options.pageSize ?? 500;
  const anchored = deps.anchors ? await deps.anchors.latest() : undefined;
  const head = await deps.chain.head();
  const breaks: AuditChainBreak[] = [];
  let checked = 0;
  let previous: AuditEntry | undefined;
  /** The hash the chain holds now at the anchored sequence number, once the walk reaches it. */
  let hashAtAnchor: string | undefined;
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
      if (anchored) hashAtAnchor ??= page.find((entry) => entry.seq === anchored.seq)?.hash;
      previous = page[page.length - 1];
    }
    if (!previous || previous.seq !== head.seq || previous.hash !== head.hash) breaks.push({ seq: head.seq, problem: 'head-mismatch' });
  }
  // The chain must still hold the anchored entry, with the anchored hash (a rebuilt or truncated chain does not).
  if (anchored && hashAtAnchor !== anchored.hash) breaks.push({ seq: anchored.seq, problem: 'anchor-mismatch' });
  const intact = breaks.length === 0;
  const now = deps.clock.now();
  const anchorHead = intact && head !== undefined && deps.anchors !== undefined && !(anchored && anchored.seq === head.seq && anchored.hash === head.hash);
  if (anchorHead && head && deps.anchors) await deps.anchors.anchor({ seq: head.seq, hash: head.hash, anchoredAt: now.toISOString() });
  const verification: AuditChainVerification = {
    verifiedAt: now.toISOString(),
    intact,
    entries: checked,
    ...(head ? { head: { seq: head.seq, hash: head.hash } } : {}),
    breaks: breaks.slice(0, MAX_BREAKS),
    ...(deps.anchors ? { anchor: { ...(anchored ? { checked: { seq: anchored.seq, hash: anchored.hash } } : {}), anchoredHead: anchorHead } } : {}),
  };
  if (verification.intact) await deps.findings.resolveAuditChainBreak(deps.clock.now());
  else await deps.findings.recordAuditChainBreak(verification);
  await deps.findings.saveAuditChainVerification(verification);
  return verification;
}
