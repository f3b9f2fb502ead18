/*
 * Bound service-account tokens, shaped like the API server's TokenRequest
 * tokens (https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#bound-service-account-tokens):
 * a JWT whose subject is `system:serviceaccount:<ns>:<name>`, with the
 * account's uid, an audience and an expiry. Signed with HMAC-SHA256 and a
 * per-cluster key instead of the API server's RSA key: only this simulator
 * verifies them.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'crypto';

/** The issuer and default audience, as a default kube-apiserver names them. */
export const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';

/** What a token says about its service account. @public */
export interface ServiceAccountClaims {
  namespace: string;
  name: string;
  uid: string;
  audiences: string[];
  /** epoch seconds */
  issuedAt: number;
  /** epoch seconds */
  expiresAt: number;
}

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function sign(key: Buffer, input: string): string {
  return createHmac('sha256', key).update(input).digest('base64url');
}

/** Encodes and signs a token. */
export function encodeToken(key: Buffer, claims: ServiceAccountClaims): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({
      aud: claims.audiences,
      exp: claims.expiresAt,
      iat: claims.issuedAt,
      nbf: claims.issuedAt,
      iss: API_AUDIENCE,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace: claims.namespace,
        serviceaccount: { name: claims.name, uid: claims.uid },
      },
      sub: `system:serviceaccount:${claims.namespace}:${claims.name}`,
    }),
  );
  return `${header}.${payload}.${sign(key, `${header}.${payload}`)}`;
}

/** Verifies a token's signature and decodes it; undefined when it is not one of ours. */
export function decodeToken(
  key: Buffer,
  token: string,
): ServiceAccountClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const expected = Buffer.from(sign(key, `${parts[0]}.${parts[1]}`));
  const given = Buffer.from(parts[2]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return undefined;
  try {
    const c = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    const k8s = c['kubernetes.io'] ?? {};
    return {
      namespace: String(k8s.namespace ?? ''),
      name: String(k8s.serviceaccount?.name ?? ''),
      uid: String(k8s.serviceaccount?.uid ?? ''),
      audiences: Array.isArray(c.aud) ? c.aud.map(String) : [String(c.aud)],
      issuedAt: Number(c.iat),
      expiresAt: Number(c.exp),
    };
  } catch {
    return undefined;
  }
}
