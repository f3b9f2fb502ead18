import { z as zod } from 'zod';

/** A DNS-1123 label: what Kubernetes requires of namespace and most object names. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Zod schema of a DNS-1123 label, with a message that says what is wrong. */
export function dns1123Label(z: typeof zod, what: string) {
  return z
    .string()
    .max(63, `${what} must be at most 63 characters`)
    .regex(
      DNS1123_LABEL,
      `${what} must be lower-case letters, digits and '-', starting and ending with a letter or digit (DNS-1123)`,
    );
}

/** Zod schema of a catalog group ref (`group:default/ml-chat` or just `ml-chat`). */
export function ownerRef(z: typeof zod) {
  return z
    .string()
    .regex(
      /^(group:[a-z0-9-]+\/)?[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/,
      'owner must be a group (e.g. ml-chat or group:default/ml-chat)',
    );
}

/**
 * `ml-chat` → `group:default/ml-chat`; a full ref stays as it is. Action inputs reach handlers validated by their
 * JSON schema, so zod transforms would not run: normalise in the handler.
 */
export function toGroupRef(value: string): string {
  return value.includes(':') ? value : `group:default/${value}`;
}
