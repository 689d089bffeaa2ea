/**
 * `POST /webhooks/carriers/kuaidi100/{kind}` (public; Kuaidi100) — its order callback or tracking
 * push (FUL-3), in stages booking with Kuaidi100. The form body is read raw (the route declares no
 * JSON body) and verified with the account's salt before anything is parsed.
 * Env: `FULFILLMENT_TABLE_NAME`, `EVENT_BUS_NAME`, `KUAIDI100_ACCOUNT_SECRET_ID`.
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import { kuaidi100Account } from '../carriers/kuaidi100-gateway.ts';
import { CALLBACK_ACK } from '../carriers/kuaidi100.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { formFields, receiveKuaidi100Callback } from '../receive-kuaidi100-callback.ts';
import { receiveKuaidi100CallbackRoute } from '../routes.ts';
import { fulfillmentSettings } from '../settings.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface ReceiveKuaidi100CallbackPorts {
  readonly repository?: () => FulfillmentRepository;
  readonly publisher?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
  readonly salt?: string;
}

/** Builds the handler with the given ports. */
export function makeReceiveKuaidi100CallbackHandler(ports: ReceiveKuaidi100CallbackPorts = {}): HttpLambdaHandler {
  return httpHandler(receiveKuaidi100CallbackRoute, async ({ event, path, correlationId }) => {
    const salt = ports.salt ?? (await kuaidi100Account(fulfillmentSettings())).salt;
    const raw =
      event.body === null || event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(String(event.body), 'base64').toString('utf8') : String(event.body);
    const result = await receiveKuaidi100Callback(
      {
        repository: (ports.repository ?? fulfillmentRepositoryFromEnv)(),
        publisher: ports.publisher ?? ((id) => eventBridgePublisher({ correlationId: id })),
        clock: ports.clock ?? systemClock,
        salt,
      },
      path.kind,
      formFields(raw),
      correlationId,
    );
    metrics.addMetric('Kuaidi100Callbacks', MetricUnit.Count, 1);
    // Ids and outcomes only: the callback's courier and recipient details are never logged.
    logger.info('kuaidi100 callback', { kind: path.kind, shipmentId: result.shipmentId, waybillAttached: result.waybillAttached, outcome: result.recorded.outcome });
    return { statusCode: 200, body: { ...CALLBACK_ACK } };
  });
}

/** The Lambda handler. */
export const handler = makeReceiveKuaidi100CallbackHandler();
