/**
 * The local stand-in for Cognito's token issuer: mints and verifies JWTs shaped like Cognito ID
 * tokens (`sub`, `cognito:groups`, `token_use`, `iss` = the user pool's issuer URL, `aud` = the app
 * client). The signing secret lives in `.data/local-issuer.json` (never committed) or in memory.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { LOCAL_REGION } from './aws-protocol.ts';

export interface LocalIssuer {
  mint(claims: { sub: string; roles: string[]; poolId: string; clientId: string; expiresInSeconds?: number; email?: string }): Promise<string>;
  verify(token: string, allowedPoolIds: string[]): Promise<Record<string, unknown>>;
}

export class TokenRejectedError extends Error {
  override name = 'TokenRejectedError';
}

export function issuerUrl(poolId: string): string {
  return `https://cognito-idp.${LOCAL_REGION}.amazonaws.com/${poolId}`;
}

function loadSecret(dataDir?: string): Uint8Array {
  if (!dataDir) return crypto.randomBytes(32);
  const file = path.join(dataDir, 'local-issuer.json');
  if (fs.existsSync(file)) {
    const { secret } = JSON.parse(fs.readFileSync(file, 'utf8')) as { secret: string };
    return Buffer.from(secret, 'base64');
  }
  const secret = crypto.randomBytes(32);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ secret: secret.toString('base64') }), { mode: 0o600 });
  return secret;
}

export function createLocalIssuer(options: { dataDir?: string; secret?: Uint8Array } = {}): LocalIssuer & { secret: Uint8Array } {
  const secret = options.secret ?? loadSecret(options.dataDir);
  return {
    secret,
    async mint({ sub, roles, poolId, clientId, expiresInSeconds = 3600, email }) {
      return new SignJWT({ 'cognito:groups': roles, token_use: 'id', ...(email ? { email } : {}), 'cognito:username': sub })
        .setProtectedHeader({ alg: 'HS256', kid: 'local' })
        .setSubject(sub)
        .setIssuer(issuerUrl(poolId))
        .setAudience(clientId)
        .setIssuedAt()
        .setJti(crypto.randomUUID())
        .setExpirationTime(`${expiresInSeconds}s`)
        .sign(secret);
    },
    async verify(token, allowedPoolIds) {
      try {
        const { payload } = await jwtVerify(token, secret, { issuer: allowedPoolIds.map(issuerUrl), algorithms: ['HS256'] });
        if (payload.token_use !== 'id' && payload.token_use !== 'access') throw new TokenRejectedError('token_use must be id or access');
        return payload as Record<string, unknown>;
      } catch (error) {
        if (error instanceof TokenRejectedError) throw error;
        if (error instanceof joseErrors.JOSEError) throw new TokenRejectedError(error.code);
        throw new TokenRejectedError('malformed token');
      }
    },
  };
}
