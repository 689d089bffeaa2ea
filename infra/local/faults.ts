/**
 * Fault switches of the local cloud, for drills (OPS-2): "this function fails every invocation
 * whose event contains this marker", set and cleared over the local operations endpoint
 * (`/_local/faults`, ops-api.ts). A matching invocation fails with `LocalFault.Injected` without
 * running the handler, as a broken deployment would; other invocations run normally, so a drill
 * on a shared local cloud breaks nothing but its own messages.
 *
 * This exists only in the local cloud: nothing in the template or in the functions can reach it,
 * and no API request can set it (the endpoint is on the local AWS port, not the API).
 */
import crypto from 'node:crypto';
import type { InvokeResult } from './lambda-runtime.ts';

export interface Fault {
  id: string;
  /** Function name or logical id. */
  functionName: string;
  /** The invocation's event, as JSON, must contain this text (at least 8 characters). */
  match: string;
  active: boolean;
  /** Matching invocations failed by the fault / run (after it was cleared) and succeeded / run and failed. */
  failed: number;
  succeeded: number;
  erred: number;
}

export class FaultSwitches {
  private readonly faults = new Map<string, Fault>();

  set(functionName: string, match: string): Fault {
    if (match.length < 8) throw new Error('match must be at least 8 characters (a unique marker, not a common word)');
    const fault: Fault = { id: crypto.randomUUID(), functionName, match, active: true, failed: 0, succeeded: 0, erred: 0 };
    this.faults.set(fault.id, fault);
    return fault;
  }

  /** Clears a fault; it keeps counting the outcomes of matching invocations (to see a redrive go through). */
  clear(id: string): Fault | undefined {
    const fault = this.faults.get(id);
    if (fault) fault.active = false;
    return fault;
  }

  get(id: string): Fault | undefined {
    return this.faults.get(id);
  }

  list(): Fault[] {
    return [...this.faults.values()];
  }

  private matching(names: string[], event: unknown): Fault[] {
    if (this.faults.size === 0) return [];
    const text = JSON.stringify(event) ?? '';
    return [...this.faults.values()].filter((f) => names.includes(f.functionName) && text.includes(f.match));
  }

  /** Before an invocation: the injected failure, if an active fault matches. */
  intercept(names: string[], event: unknown): InvokeResult | undefined {
    const hit = this.matching(names, event).find((f) => f.active);
    if (!hit) return undefined;
    hit.failed++;
    return { status: 'error', errorType: 'LocalFault.Injected', errorMessage: `Fault ${hit.id} injected by the local cloud (drill)` };
  }

  /** After an invocation that ran: counts its outcome on the (cleared) faults it matches. */
  observe(names: string[], event: unknown, result: InvokeResult): void {
    for (const f of this.matching(names, event)) {
      if (f.active) continue;
      if (result.status === 'ok') f.succeeded++;
      else f.erred++;
    }
  }
}
