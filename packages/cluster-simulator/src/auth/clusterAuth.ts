/*
 * Authentication and authorization of one simulated API server. Bearer
 * tokens: the admin token (a member of system:masters, so everything is
 * allowed), the read-only token (a static service-account identity bound to
 * the `simulator:read-only` ClusterRole), and service-account tokens issued
 * through the TokenRequest API, valid while their ServiceAccount exists.
 * Without a token, only the health and version paths answer (as with
 * anonymous access limited to them); every request is then authorized by RBAC.
 */
import { createHash } from 'crypto';
import { resourceById } from '../api/resources';
import { notFound } from '../api/status';
import type { ClusterTokens } from '../server/servedCluster';
import { ClusterStore } from '../store/clusterStore';
import { READ_ONLY_ACCOUNT } from './bootstrapPolicy';
import { Decision, authorize } from './rbacAuthorizer';
import { RequestAttributes } from './requestAttributes';
import { API_AUDIENCE, decodeToken, encodeToken } from './serviceAccountTokens';
import {
  ANONYMOUS,
  AUTHENTICATED_GROUP,
  PRIVILEGED_GROUP,
  UserInfo,
  serviceAccountUser,
} from './userInfo';

const SERVICE_ACCOUNTS = resourceById('core/serviceaccounts');
// paths anonymous requests may reach (they are still authorized: system:public-info-viewer)
const ANONYMOUS_PATHS = /^\/(healthz|livez|readyz|version)\/?$/;

/** The user the admin token authenticates as. @public */
export const ADMIN_USER: UserInfo = {
  name: 'kubernetes-admin',
  groups: [PRIVILEGED_GROUP, AUTHENTICATED_GROUP],
};

/** A token issued for a service account. @public */
export interface IssuedToken {
  token: string;
  /** RFC 3339 */
  expirationTimestamp: string;
}

/** Who may call one simulated API server, and what they may do. @public */
export class ClusterAuth {
  private readonly signingKey: Buffer;

  constructor(
    private readonly options: {
      tokens: ClusterTokens;
      store: ClusterStore;
      /** simulated time, epoch ms */
      now: () => number;
      /** seeds the token signing key (the same seed signs the same way after a restart) */
      keySeed: string;
    },
  ) {
    this.signingKey = createHash('sha256')
      .update(`service-account-signing-key/${options.keySeed}`)
      .digest();
  }

  /**
   * The requester of a request with this Authorization header, or undefined
   * when it must be answered 401 (wrong, expired or revoked token; no token
   * outside the anonymous paths).
   */
  authenticate(
    authorization: string | undefined,
    path: string,
  ): UserInfo | undefined {
    const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (!m) return ANONYMOUS_PATHS.test(path) ? ANONYMOUS : undefined;
    const token = m[1].trim();
    const { tokens } = this.options;
    if (token === tokens.admin) return ADMIN_USER;
    if (tokens.readOnly && token === tokens.readOnly)
      return serviceAccountUser(
        READ_ONLY_ACCOUNT.namespace,
        READ_ONLY_ACCOUNT.name,
      );
    const claims = decodeToken(this.signingKey, token);
    if (!claims) return undefined;
    if (claims.expiresAt * 1000 <= this.options.now()) return undefined;
    if (!claims.audiences.includes(API_AUDIENCE)) return undefined;
    // a bound token dies with its service account (or a new one of the same name)
    const account = this.options.store.get(
      SERVICE_ACCOUNTS,
      claims.namespace,
      claims.name,
    );
    if (!account || account.uid !== claims.uid) return undefined;
    return serviceAccountUser(claims.namespace, claims.name, claims.uid);
  }

  /** Decides a request by RBAC. */
  authorize(user: UserInfo, attrs: RequestAttributes): Decision {
    return authorize(this.options.store, user, attrs);
  }

  /**
   * Issues a token for an existing service account (the TokenRequest API).
   * Throws 404 when the account does not exist.
   */
  issueToken(
    namespace: string,
    name: string,
    options: { expirationSeconds?: number; audiences?: string[] } = {},
  ): IssuedToken {
    const account = this.options.store.get(SERVICE_ACCOUNTS, namespace, name);
    if (!account) throw notFound(SERVICE_ACCOUNTS, name);
    const issuedAt = Math.floor(this.options.now() / 1000);
    const expiresAt = issuedAt + (options.expirationSeconds ?? 3600);
    const token = encodeToken(this.signingKey, {
      namespace,
      name,
      uid: account.uid,
      audiences: options.audiences?.length ? options.audiences : [API_AUDIENCE],
      issuedAt,
      expiresAt,
    });
    return {
      token,
      expirationTimestamp: new Date(expiresAt * 1000)
        .toISOString()
        .replace(/\.\d+Z$/, 'Z'),
    };
  }
}
