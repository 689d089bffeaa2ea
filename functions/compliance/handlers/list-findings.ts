/** `GET /admin/compliance/findings?scan=&status=` (admin, content-reviewer; CMP-1). Env: `COMPLIANCE_TABLE_NAME`. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { findingsRepositoryFromEnv, type FindingsRepository } from '../findings-repository.ts';
import { listFindingsRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeListFindingsHandler(ports: { readonly findings?: () => FindingsRepository } = {}): HttpLambdaHandler {
  let findings: FindingsRepository | undefined;
  return httpHandler(listFindingsRoute, async ({ query }) => {
    findings ??= (ports.findings ?? findingsRepositoryFromEnv)();
    const page = await findings.list({
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      ...(query.scan ? { scan: query.scan } : {}),
      ...(query.status ? { status: query.status } : {}),
    });
    return { statusCode: 200, body: page };
  });
}

/** The Lambda handler. */
export const handler = makeListFindingsHandler();
