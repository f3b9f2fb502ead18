/*
 * Who a request comes from, as the API server's authenticators describe it:
 * a user name and groups. Service accounts are users named
 * `system:serviceaccount:<namespace>:<name>` in the service-account groups
 * (https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/).
 */

/** An authenticated (or anonymous) requester. @public */
export interface UserInfo {
  name: string;
  groups: string[];
  uid?: string;
}

/** Group of every authenticated requester. */
export const AUTHENTICATED_GROUP = 'system:authenticated';
/** Group of the anonymous requester. */
export const UNAUTHENTICATED_GROUP = 'system:unauthenticated';
/** Group whose members bypass authorization (cluster-admin by construction). */
export const PRIVILEGED_GROUP = 'system:masters';
/** Prefix of service-account user names. */
export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/** The user name of a service account. */
export function serviceAccountUserName(
  namespace: string,
  name: string,
): string {
  return `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
}

/** The identity a service account's token authenticates as. */
export function serviceAccountUser(
  namespace: string,
  name: string,
  uid?: string,
): UserInfo {
  return {
    name: serviceAccountUserName(namespace, name),
    groups: [
      'system:serviceaccounts',
      `system:serviceaccounts:${namespace}`,
      AUTHENTICATED_GROUP,
    ],
    uid,
  };
}

/** The anonymous requester (only for the paths anonymous access is enabled on). */
export const ANONYMOUS: UserInfo = {
  name: 'system:anonymous',
  groups: [UNAUTHENTICATED_GROUP],
};
