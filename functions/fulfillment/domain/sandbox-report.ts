/** The sandbox carrier's reports (dev stage only): what ops ask it to report, and what waits in its queue. */
import * as z from '../../../shared/zod.ts';
import { lazily } from '../../../shared/lazily.ts';
import { SHIPMENT_EXCEPTIONS } from './shipment.ts';

/** What ops ask the sandbox carrier to report. */
export const SandboxReportSchema = /* @__PURE__ */ lazily(() =>
  z
    .strictObject({
      waybill: z.string().check(z.regex(/^[A-Z0-9-]{4,64}$/)),
      status: z.enum(['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION']),
      exception: z.optional(z.enum(SHIPMENT_EXCEPTIONS)),
      delaySeconds: z._default(z.number().check(z.int(), z.gte(0), z.lte(900)), 0).check(z.describe('Report after this many seconds (SQS DelaySeconds, ≤ 900)')),
    })
    .check(
      z.refine((r) => (r.status === 'EXCEPTION') === (r.exception !== undefined), { message: 'exception is required with status EXCEPTION and only then', path: ['exception'] }),
    ),
);

export type SandboxReport = z.infer<ReturnType<typeof SandboxReportSchema>>;

/** A report waiting in the queue (signed and dated when it is delivered). */
export type QueuedReport = z.infer<ReturnType<typeof QueuedReportSchema>>;

export const QueuedReportSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    eventId: z.string().check(z.minLength(1), z.maxLength(100)),
    carrier: z.string().check(z.minLength(1), z.maxLength(40)),
    waybill: z.string().check(z.minLength(1), z.maxLength(64)),
    status: z.enum(['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION']),
    exception: z.optional(z.enum(SHIPMENT_EXCEPTIONS)),
  }),
);
