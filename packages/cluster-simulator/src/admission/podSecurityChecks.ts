/*
 * The Pod Security Standards checks, evaluated as the PodSecurity admission
 * plugin evaluates them: k8s.io/pod-security-admission policy/check_*.go in
 * kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/,
 * and https://kubernetes.io/docs/concepts/security/pod-security-standards/.
 *
 * Each check returns a reason and a detail worded like its upstream check;
 * the registry order is the upstream one (Go registers checks file by file,
 * in file-name order), baseline checks first, then either the baseline-only
 * "overlapping" checks (baseline level) or the restricted checks (restricted
 * level), as policy/registry.go `checkRegistry.EvaluatePod` does.
 *
 * Written independently of the platform's own policy module
 * (plugins/inference-common/src/kubernetes/podSecurity.ts): the simulator
 * must disagree with it wherever it is wrong.
 */
import { LevelVersion } from './podSecurityPolicy';

type Obj = Record<string, any>;

/** A failed check: the short reason and the detail shown in parentheses. @public */
export interface CheckFailure {
  reason: string;
  detail: string;
}

interface Check {
  id: string;
  /** first policy minor version the check applies to (policy/checks.go `MinimumVersion`) */
  since: number;
  run(meta: Obj, spec: Obj, minor: number): CheckFailure | undefined;
}

/** helpers.go `joinQuote`: `"a", "b"` */
function joinQuote(items: string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

/** helpers.go `pluralize` */
function plural(singular: string, many: string, n: number): string {
  return n === 1 ? singular : many;
}

function sorted(set: Set<string>): string[] {
  return Array.from(set).sort();
}

/** visitor.go `visitContainers`: init containers, containers, then ephemeral containers. */
function containersOf(spec: Obj): Obj[] {
  return [
    ...((spec.initContainers as Obj[]) ?? []),
    ...((spec.containers as Obj[]) ?? []),
    ...((spec.ephemeralContainers as Obj[]) ?? []),
  ];
}

/** "container \"a\"" / "containers \"a\", \"b\"" */
function containerList(names: string[]): string {
  return `${plural('container', 'containers', names.length)} ${joinQuote(
    names,
  )}`;
}

// ---- baseline checks ------------------------------------------------------

/** check_appArmorProfile.go: annotations may only name runtime/default or localhost/*; the PSS page adds the appArmorProfile fields (Unconfined forbidden) */
const appArmorProfile: Check = {
  id: 'appArmorProfile',
  since: 0,
  run(meta, spec) {
    const bad: string[] = [];
    const prefix = 'container.apparmor.security.beta.kubernetes.io/';
    for (const [k, v] of Object.entries(
      (meta.annotations ?? {}) as Record<string, string>,
    )) {
      if (!k.startsWith(prefix)) continue;
      if (v && v !== 'runtime/default' && !v.startsWith('localhost/'))
        bad.push(`${k}=${JSON.stringify(v)}`);
    }
    bad.sort();
    const unconfined = (sc: Obj | undefined) =>
      sc?.appArmorProfile?.type === 'Unconfined';
    const setters: string[] = [];
    if (unconfined(spec.securityContext)) setters.push('pod');
    const names = containersOf(spec)
      .filter(c => unconfined(c.securityContext))
      .map(c => c.name);
    if (names.length) setters.push(containerList(names));
    if (setters.length)
      bad.push(
        `${setters.join(
          ' and ',
        )} must not set securityContext.appArmorProfile.type to "Unconfined"`,
      );
    if (bad.length === 0) return undefined;
    return {
      reason: plural(
        'forbidden AppArmor profile',
        'forbidden AppArmor profiles',
        bad.length,
      ),
      detail: bad.join(', '),
    };
  },
};

/** check_hostNamespaces.go: hostNetwork, hostPID, hostIPC must be false */
const hostNamespaces: Check = {
  id: 'hostNamespaces',
  since: 0,
  run(_meta, spec) {
    const used = ['hostIPC', 'hostNetwork', 'hostPID'].filter(k => spec[k]);
    return used.length
      ? { reason: 'host namespaces', detail: used.join(', ') }
      : undefined;
  },
};

/** check_hostPorts.go: no container port may set hostPort */
const hostPorts: Check = {
  id: 'hostPorts',
  since: 0,
  run(_meta, spec) {
    const names: string[] = [];
    const ports = new Set<string>();
    for (const c of containersOf(spec)) {
      let bad = false;
      for (const p of (c.ports as Obj[]) ?? []) {
        if (p.hostPort) {
          bad = true;
          ports.add(String(p.hostPort));
        }
      }
      if (bad) names.push(c.name);
    }
    if (!names.length) return undefined;
    return {
      reason: 'hostPort',
      detail: `${containerList(names)} ${plural(
        'uses',
        'use',
        names.length,
      )} ${plural('hostPort', 'hostPorts', ports.size)} ${sorted(ports).join(
        ', ',
      )}`,
    };
  },
};

/** check_privileged.go: securityContext.privileged must not be true */
const privileged: Check = {
  id: 'privileged',
  since: 0,
  run(_meta, spec) {
    const names = containersOf(spec)
      .filter(c => c.securityContext?.privileged === true)
      .map(c => c.name);
    return names.length
      ? {
          reason: 'privileged',
          detail: `${containerList(
            names,
          )} must not set securityContext.privileged=true`,
        }
      : undefined;
  },
};

/** check_procMount.go: procMount must be unset or Default */
const procMount: Check = {
  id: 'procMount',
  since: 0,
  run(_meta, spec) {
    const names: string[] = [];
    const types = new Set<string>();
    for (const c of containersOf(spec)) {
      const pm = c.securityContext?.procMount;
      if (pm !== undefined && pm !== null && pm !== 'Default') {
        names.push(c.name);
        types.add(String(pm));
      }
    }
    return names.length
      ? {
          reason: 'procMount',
          detail: `${containerList(
            names,
          )} must not set securityContext.procMount to ${joinQuote(
            sorted(types),
          )}`,
        }
      : undefined;
  },
};

/** check_seLinuxOptions.go: type in the container_* set, no user, no role */
const seLinuxOptions: Check = {
  id: 'seLinuxOptions',
  since: 0,
  run(_meta, spec) {
    const allowed = new Set([
      '',
      'container_t',
      'container_init_t',
      'container_kvm_t',
    ]);
    const badTypes = new Set<string>();
    let setUser = false;
    let setRole = false;
    const valid = (o: Obj) => {
      let ok = true;
      if (!allowed.has(o.type ?? '')) {
        ok = false;
        badTypes.add(o.type);
      }
      if (o.user) {
        ok = false;
        setUser = true;
      }
      if (o.role) {
        ok = false;
        setRole = true;
      }
      return ok;
    };
    const setters: string[] = [];
    const podOpts = spec.securityContext?.seLinuxOptions;
    if (podOpts && !valid(podOpts)) setters.push('pod');
    const names = containersOf(spec)
      .filter(
        c =>
          c.securityContext?.seLinuxOptions &&
          !valid(c.securityContext.seLinuxOptions),
      )
      .map(c => c.name);
    if (names.length) setters.push(containerList(names));
    if (!setters.length) return undefined;
    // upstream lists user/role only together with bad types (it builds them inside that branch)
    const data: string[] = [];
    if (badTypes.size) {
      data.push(
        `${plural('type', 'types', badTypes.size)} ${joinQuote(
          sorted(badTypes),
        )}`,
      );
      if (setUser) data.push('user may not be set');
      if (setRole) data.push('role may not be set');
    }
    return {
      reason: 'seLinuxOptions',
      detail: `${setters.join(
        ' and ',
      )} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`,
    };
  },
};

/** check_sysctls.go: only the namespaced "safe" sysctls */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
]);
const sysctls: Check = {
  id: 'sysctls',
  since: 0,
  run(_meta, spec) {
    const bad = ((spec.securityContext?.sysctls as Obj[]) ?? [])
      .map(s => String(s.name))
      .filter(n => !SAFE_SYSCTLS.has(n));
    return bad.length
      ? { reason: 'forbidden sysctls', detail: bad.join(', ') }
      : undefined;
  },
};

/** check_windowsHostProcess.go: windowsOptions.hostProcess must not be true */
const windowsHostProcess: Check = {
  id: 'windowsHostProcess',
  since: 0,
  run(_meta, spec) {
    const hp = (sc: Obj | undefined) =>
      sc?.windowsOptions?.hostProcess === true;
    const setters: string[] = [];
    if (hp(spec.securityContext)) setters.push('pod');
    const names = containersOf(spec)
      .filter(c => hp(c.securityContext))
      .map(c => c.name);
    if (names.length) setters.push(containerList(names));
    return setters.length
      ? {
          reason: 'hostProcess',
          detail: `${setters.join(
            ' and ',
          )} must not set securityContext.windowsOptions.hostProcess=true`,
        }
      : undefined;
  },
};

// ---- baseline-only checks (superseded by a restricted check) --------------

/** check_capabilities_baseline.go: only the container runtime's default capabilities may be added */
const DEFAULT_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
const capabilitiesBaseline: Check = {
  id: 'capabilities_baseline',
  since: 0,
  run(_meta, spec) {
    const names: string[] = [];
    const caps = new Set<string>();
    for (const c of containersOf(spec)) {
      const added = (c.securityContext?.capabilities?.add as string[]) ?? [];
      const bad = added.filter(a => !DEFAULT_CAPABILITIES.has(a));
      bad.forEach(b => caps.add(b));
      if (bad.length) names.push(c.name);
    }
    return names.length
      ? {
          reason: 'non-default capabilities',
          detail: `${containerList(names)} must not include ${joinQuote(
            sorted(caps),
          )} in securityContext.capabilities.add`,
        }
      : undefined;
  },
};

/** check_hostPathVolumes.go: no hostPath volumes */
const hostPathVolumes: Check = {
  id: 'hostPathVolumes',
  since: 0,
  run(_meta, spec) {
    const names = ((spec.volumes as Obj[]) ?? [])
      .filter(v => v.hostPath)
      .map(v => v.name);
    return names.length
      ? {
          reason: 'hostPath volumes',
          detail: `${plural('volume', 'volumes', names.length)} ${joinQuote(
            names,
          )}`,
        }
      : undefined;
  },
};

const validSeccomp = (t: unknown) =>
  t === 'RuntimeDefault' || t === 'Localhost';

/** the "explicitly bad" half shared by both seccomp checks */
function explicitSeccompFailure(spec: Obj): CheckFailure | undefined {
  const setters: string[] = [];
  const values = new Set<string>();
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile && !validSeccomp(podProfile.type)) {
    setters.push('pod');
    values.add(String(podProfile.type));
  }
  const names: string[] = [];
  for (const c of containersOf(spec)) {
    const p = c.securityContext?.seccompProfile;
    if (p && !validSeccomp(p.type)) {
      names.push(c.name);
      values.add(String(p.type));
    }
  }
  if (names.length) setters.push(containerList(names));
  return setters.length
    ? {
        reason: 'seccompProfile',
        detail: `${setters.join(
          ' and ',
        )} must not set securityContext.seccompProfile.type to ${joinQuote(
          sorted(values),
        )}`,
      }
    : undefined;
}

/** check_seccompProfile_baseline.go: a set profile must be RuntimeDefault or Localhost (annotations before v1.19) */
const seccompProfileBaseline: Check = {
  id: 'seccompProfile_baseline',
  since: 0,
  run(meta, spec, minor) {
    if (minor >= 19) return explicitSeccompFailure(spec);
    const bad = new Set<string>();
    const ann = (meta.annotations ?? {}) as Record<string, string>;
    const ok = (v: string) =>
      v === 'runtime/default' ||
      v === 'docker/default' ||
      v.startsWith('localhost/');
    const podKey = 'seccomp.security.alpha.kubernetes.io/pod';
    if (ann[podKey] !== undefined && !ok(ann[podKey]))
      bad.add(`${podKey}=${JSON.stringify(ann[podKey])}`);
    for (const c of containersOf(spec)) {
      const k = `container.seccomp.security.alpha.kubernetes.io/${c.name}`;
      if (ann[k] !== undefined && !ok(ann[k]))
        bad.add(`${k}=${JSON.stringify(ann[k])}`);
    }
    return bad.size
      ? {
          reason: 'seccompProfile',
          detail: `forbidden ${plural(
            'annotation',
            'annotations',
            bad.size,
          )} ${sorted(bad).join(', ')}`,
        }
      : undefined;
  },
};

// ---- restricted checks ----------------------------------------------------

/** check_allowPrivilegeEscalation.go: every container sets allowPrivilegeEscalation=false */
const allowPrivilegeEscalation: Check = {
  id: 'allowPrivilegeEscalation',
  since: 8,
  run(_meta, spec) {
    const names = containersOf(spec)
      .filter(c => c.securityContext?.allowPrivilegeEscalation !== false)
      .map(c => c.name);
    return names.length
      ? {
          reason: 'allowPrivilegeEscalation != false',
          detail: `${containerList(
            names,
          )} must set securityContext.allowPrivilegeEscalation=false`,
        }
      : undefined;
  },
};

/** check_capabilities_restricted.go: drop ALL; add nothing but NET_BIND_SERVICE */
const capabilitiesRestricted: Check = {
  id: 'capabilities_restricted',
  since: 22,
  run(_meta, spec) {
    const missingDrop: string[] = [];
    const adding: string[] = [];
    const caps = new Set<string>();
    for (const c of containersOf(spec)) {
      const capabilities = c.securityContext?.capabilities;
      if (!capabilities) {
        missingDrop.push(c.name);
        continue;
      }
      if (!((capabilities.drop as string[]) ?? []).includes('ALL'))
        missingDrop.push(c.name);
      const bad = ((capabilities.add as string[]) ?? []).filter(
        a => a !== 'NET_BIND_SERVICE',
      );
      bad.forEach(b => caps.add(b));
      if (bad.length) adding.push(c.name);
    }
    const details: string[] = [];
    if (missingDrop.length)
      details.push(
        `${containerList(
          missingDrop,
        )} must set securityContext.capabilities.drop=["ALL"]`,
      );
    if (adding.length)
      details.push(
        `${containerList(adding)} must not include ${joinQuote(
          sorted(caps),
        )} in securityContext.capabilities.add`,
      );
    return details.length
      ? { reason: 'unrestricted capabilities', detail: details.join('; ') }
      : undefined;
  },
};

/** check_restrictedVolumes.go: only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret */
const ALLOWED_VOLUME_SOURCES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];
const restrictedVolumes: Check = {
  id: 'restrictedVolumes',
  since: 0,
  run(_meta, spec) {
    const bad = new Set<string>();
    for (const v of (spec.volumes as Obj[]) ?? []) {
      if (
        !ALLOWED_VOLUME_SOURCES.some(k => v[k] !== undefined && v[k] !== null)
      )
        bad.add(v.name);
    }
    // Go's %q of a []string: ["a" "b"]
    return bad.size
      ? {
          reason: 'restricted volume types',
          detail: `volumes [${sorted(bad)
            .map(n => JSON.stringify(n))
            .join(' ')}] have restricted types`,
        }
      : undefined;
  },
};

/** check_runAsNonRoot.go: runAsNonRoot=true at pod level or on every container, never false */
const runAsNonRoot: Check = {
  id: 'runAsNonRoot',
  since: 0,
  run(_meta, spec) {
    const setters: string[] = [];
    let podTrue = false;
    const podValue = spec.securityContext?.runAsNonRoot;
    if (podValue === false) setters.push('pod');
    else if (podValue === true) podTrue = true;
    const explicit: string[] = [];
    const implicit: string[] = [];
    for (const c of containersOf(spec)) {
      const v = c.securityContext?.runAsNonRoot;
      if (v === true || v === false) {
        if (v === false) explicit.push(c.name);
      } else if (!podTrue) implicit.push(c.name);
    }
    if (explicit.length) setters.push(containerList(explicit));
    if (setters.length)
      return {
        reason: 'runAsNonRoot != true',
        detail: `${setters.join(
          ' and ',
        )} must not set securityContext.runAsNonRoot=false`,
      };
    if (implicit.length)
      return {
        reason: 'runAsNonRoot != true',
        detail: `pod or ${containerList(
          implicit,
        )} must set securityContext.runAsNonRoot=true`,
      };
    return undefined;
  },
};

/** check_runAsUser.go: runAsUser must not be 0 */
const runAsUser: Check = {
  id: 'runAsUser',
  since: 23,
  run(_meta, spec) {
    const setters: string[] = [];
    if (spec.securityContext?.runAsUser === 0) setters.push('pod');
    const names = containersOf(spec)
      .filter(c => c.securityContext?.runAsUser === 0)
      .map(c => c.name);
    if (names.length) setters.push(containerList(names));
    return setters.length
      ? {
          reason: 'runAsUser=0',
          detail: `${setters.join(' and ')} must not set runAsUser=0`,
        }
      : undefined;
  },
};

/** check_seccompProfile_restricted.go: RuntimeDefault or Localhost, at pod level or on every container */
const seccompProfileRestricted: Check = {
  id: 'seccompProfile_restricted',
  since: 19,
  run(_meta, spec) {
    const explicit = explicitSeccompFailure(spec);
    if (explicit) return explicit;
    const podSet = validSeccomp(spec.securityContext?.seccompProfile?.type);
    if (podSet) return undefined;
    const implicit = containersOf(spec)
      .filter(c => !c.securityContext?.seccompProfile)
      .map(c => c.name);
    return implicit.length
      ? {
          reason: 'seccompProfile',
          detail: `pod or ${containerList(
            implicit,
          )} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
        }
      : undefined;
  },
};

/** baseline checks that also apply at restricted, in upstream registration order */
const BASELINE: Check[] = [
  appArmorProfile,
  hostNamespaces,
  hostPorts,
  privileged,
  procMount,
  seLinuxOptions,
  sysctls,
  windowsHostProcess,
];
/** baseline checks replaced by a stricter restricted check (upstream `Overlap: true`) */
const BASELINE_ONLY: Check[] = [
  capabilitiesBaseline,
  hostPathVolumes,
  seccompProfileBaseline,
];
const RESTRICTED: Check[] = [
  allowPrivilegeEscalation,
  capabilitiesRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
];

/** the newest policy version the checks know; `latest` and newer versions evaluate as this one */
const LATEST_MINOR = 34;

/** Runs a level's checks on a pod (or pod template); empty when allowed. */
export function evaluatePod(
  lv: LevelVersion,
  podMeta: Obj | undefined,
  podSpec: Obj | undefined,
): CheckFailure[] {
  if (lv.level === 'privileged') return [];
  const minor = Math.min(lv.minor ?? LATEST_MINOR, LATEST_MINOR);
  const checks = [
    ...BASELINE,
    ...(lv.level === 'baseline' ? BASELINE_ONLY : RESTRICTED),
  ];
  const meta = podMeta ?? {};
  const spec = podSpec ?? {};
  const out: CheckFailure[] = [];
  for (const c of checks) {
    if (minor < c.since) continue;
    const f = c.run(meta, spec, minor);
    if (f) out.push(f);
  }
  return out;
}

/** checks.go `AggregateCheckResult.ForbiddenDetail`: `reason (detail), reason (detail)` */
export function forbiddenDetail(failures: CheckFailure[]): string {
  return failures
    .map(f => (f.detail ? `${f.reason} (${f.detail})` : f.reason))
    .join(', ');
}
