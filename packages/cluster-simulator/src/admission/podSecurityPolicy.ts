/*
 * Which Pod Security level and version a namespace asks for, read from its
 * `pod-security.kubernetes.io/<mode>[-version]` labels.
 *
 * Follows k8s.io/pod-security-admission api/helpers.go `PolicyToEvaluate`
 * (https://github.com/kubernetes/pod-security-admission/blob/master/api/helpers.go):
 * - a mode without a label is `privileged` (the plugin's default
 *   AdmissionConfiguration, which EKS does not change);
 * - an unparsable level fails closed to `restricted`, an unparsable version
 *   to `latest`, and both are reported as label errors;
 * - when `warn` is not labelled, it follows an explicitly more restrictive
 *   `enforce` (level, and version unless `warn-version` is set), which is why
 *   a namespace labelled only `enforce=restricted` still warns on Deployments.
 */

/** A Pod Security Standards level. @public */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** A level at a policy version (`latest` or `v1.<minor>`). @public */
export interface LevelVersion {
  level: PodSecurityLevel;
  /** minor version of the policy, or undefined for `latest` */
  minor?: number;
}

/** The three modes of a namespace's policy. @public */
export interface NamespacePolicy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
  /** label values that did not parse */
  errors: string[];
}

const LABEL_PREFIX = 'pod-security.kubernetes.io/';
const ORDER: Record<PodSecurityLevel, number> = {
  privileged: 0,
  baseline: 1,
  restricted: 2,
};

/** `restricted:latest`, `baseline:v1.29`: the form the plugin's messages use. */
export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${lv.minor === undefined ? 'latest' : `v1.${lv.minor}`}`;
}

function parseLevel(value: string): PodSecurityLevel | undefined {
  return value === 'privileged' ||
    value === 'baseline' ||
    value === 'restricted'
    ? value
    : undefined;
}

/** `latest` → undefined minor; `v1.29` → 29; anything else is invalid. */
function parseVersion(value: string): { minor?: number; ok: boolean } {
  if (value === 'latest') return { ok: true };
  const m = /^v1\.(0|[1-9][0-9]*)$/.exec(value);
  return m ? { minor: Number(m[1]), ok: true } : { ok: false };
}

/** The policy a namespace's labels ask for. */
export function policyFromLabels(
  labels: Record<string, string> | undefined,
): NamespacePolicy {
  const policy: NamespacePolicy = {
    enforce: { level: 'privileged' },
    audit: { level: 'privileged' },
    warn: { level: 'privileged' },
    errors: [],
  };
  const l = labels ?? {};
  const read = (mode: 'enforce' | 'audit' | 'warn') => {
    const levelText = l[`${LABEL_PREFIX}${mode}`];
    const versionText = l[`${LABEL_PREFIX}${mode}-version`];
    let validLevel = false;
    if (levelText !== undefined) {
      const level = parseLevel(levelText);
      if (level) validLevel = true;
      else policy.errors.push(`${LABEL_PREFIX}${mode}=${levelText}`);
      policy[mode].level = level ?? 'restricted';
    }
    if (versionText !== undefined) {
      const v = parseVersion(versionText);
      if (!v.ok)
        policy.errors.push(`${LABEL_PREFIX}${mode}-version=${versionText}`);
      policy[mode].minor = v.minor;
    }
    return { level: validLevel, version: versionText !== undefined };
  };
  const enforce = read('enforce');
  read('audit');
  const warnLevelSet = l[`${LABEL_PREFIX}warn`] !== undefined;
  const warn = read('warn');
  if (
    !warnLevelSet &&
    enforce.level &&
    ORDER[policy.enforce.level] > ORDER[policy.warn.level]
  ) {
    policy.warn.level = policy.enforce.level;
    if (!warn.version) policy.warn.minor = policy.enforce.minor;
  }
  return policy;
}
