/** `GET /health` → `{ "status": "ok" }` (public). */
import { httpHandler } from '../../../shared/http/handler.ts';
import { getHealthRoute } from '../routes.ts';

/** The Lambda handler. */
export const handler = httpHandler(getHealthRoute, async () => ({ statusCode: 200, body: { status: 'ok' } }));
