/** The sandbox carrier's reports (dev stage only): what ops ask it to report, and what waits in its queue. */
import * as z from 'zod';
import { SHIPMENT_EXCEPTIONS } from './shipment.ts';

/** What ops ask the sandbox carrier to report. */
export const SandboxReportSchema = z
  .strictObject({
    waybill: z.string().regex(/^[A-Z0-9-]{4,64}$/),
    status: z.enum(['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION']),
    exception: z.enum(SHIPMENT_EXCEPTIONS).optional(),
    delaySeconds: z.number().int().min(0).max(900).default(0).describe('Report after this many seconds (SQS DelaySeconds, ≤ 900)'),
  })
  .refine((r) => (r.status === 'EXCEPTION') === (r.exception !== undefined), { message: 'exception is required with status EXCEPTION and only then', path: ['exception'] });

export type SandboxReport = z.infer<typeof SandboxReportSchema>;

/** A report waiting in the queue (signed and dated when it is delivered). */
export type QueuedReport = z.infer<typeof QueuedReportSchema>;

export const QueuedReportSchema = z.strictObject({
  eventId: z.string().min(1).max(100),
  carrier: z.string().min(1).max(40),
  waybill: z.string().min(1).max(64),
  status: z.enum(['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION']),
  exception: z.enum(SHIPMENT_EXCEPTIONS).optional(),
});
