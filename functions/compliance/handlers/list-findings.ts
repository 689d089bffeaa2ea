/** `GET /admin/compliance/findings?scan=&status=` (admin: every scan; content-reviewer: banned terms only; CMP-1). Env: `COMPLIANCE_TABLE_NAME`. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { findingsRepositoryFromEnv, type FindingsRepository } from '../findings-repository.ts';
import { CONTENT_REVIEWER_SCOPE, mayHandle } from '../resolve-finding.ts';
import { listFindingsRoute } from '../routes.ts';
import { BANNED_TERMS_SCAN } from '../scans/banned-terms.ts';
import { forbidden } from '../../../shared/errors.ts';

/** Builds the handler with the given ports. */
export function makeListFindingsHandler(ports: { readonly findings?: () => FindingsRepository } = {}): HttpLambdaHandler {
  let findings: FindingsRepository | undefined;
  return httpHandler(listFindingsRoute, async ({ query, principal }) => {
    // SEC-1: a content reviewer sees banned-terms findings only (and gets them without naming the scan).
    const scan = query.scan ?? (mayHandle(principal, undefined) ? undefined : BANNED_TERMS_SCAN);
    if (!mayHandle(principal, scan)) throw forbidden(CONTENT_REVIEWER_SCOPE);
    findings ??= (ports.findings ?? findingsRepositoryFromEnv)();
    const page = await findings.list({
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      ...(scan ? { scan } : {}),
      ...(query.status ? { status: query.status } : {}),
    });
    return { statusCode: 200, body: page };
  });
}

/** The Lambda handler. */
export const handler = makeListFindingsHandler();
