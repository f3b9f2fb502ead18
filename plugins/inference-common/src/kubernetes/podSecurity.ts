/**
 * The Pod Security Standards (baseline and restricted), as the PodSecurity admission plugin checks them, over the
 * pod specs of any workload kind. Levels and fields follow
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/ (policy version "latest").
 * Specs are typed with kubernetes-models' core/v1 interfaces; they come from parsed YAML, so every field is still
 * checked for its shape before it is trusted.
 */
import type {
  IContainer,
  IEphemeralContainer,
  IPodSecurityContext,
  IPodSpec,
  ISecurityContext,
} from 'kubernetes-models/v1';

/**
 * A Pod Security Standards level.
 *
 * @public
 */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/**
 * One broken Pod Security rule, with the dotted path of the field to fix.
 *
 * @public
 */
export interface PodSecurityViolation {
  path: string;
  /** The check's name in the standard, e.g. `hostPathVolumes`, `runAsNonRoot`. */
  check: string;
  message: string;
}

/**
 * A pod template found inside an object: where it is and what it holds.
 *
 * @public
 */
export interface PodTemplateAt {
  /** Dotted path of the pod spec, e.g. `spec.template.spec`. */
  path: string;
  spec: IPodSpec;
  labels: Record<string, string>;
}

type Json = Record<string, unknown>;

/** Where the pod spec lives in each kind that makes pods (apps, batch, core, LeaderWorkerSet). */
const POD_SPEC_PATHS: Record<string, string[][]> = {
  Pod: [['spec']],
  Deployment: [['spec', 'template', 'spec']],
  ReplicaSet: [['spec', 'template', 'spec']],
  ReplicationController: [['spec', 'template', 'spec']],
  StatefulSet: [['spec', 'template', 'spec']],
  DaemonSet: [['spec', 'template', 'spec']],
  Job: [['spec', 'template', 'spec']],
  CronJob: [['spec', 'jobTemplate', 'spec', 'template', 'spec']],
  PodTemplate: [['template', 'spec']],
  LeaderWorkerSet: [
    ['spec', 'leaderWorkerTemplate', 'leaderTemplate', 'spec'],
    ['spec', 'leaderWorkerTemplate', 'workerTemplate', 'spec'],
  ],
};

/**
 * Every pod spec inside an object of a pod-making kind, with its labels (the pod's own, or its template's).
 *
 * @public
 */
export function podTemplatesOf(object: unknown): PodTemplateAt[] {
  if (!isObject(object) || typeof object.kind !== 'string') return [];
  const paths = POD_SPEC_PATHS[object.kind] ?? [];
  const found: PodTemplateAt[] = [];
  for (const segments of paths) {
    const spec = dig(object, segments);
    if (!isPodSpecMapping(spec)) continue;
    const metadata =
      segments.length === 1
        ? object.metadata
        : dig(object, [...segments.slice(0, -1), 'metadata']);
    found.push({
      path: segments.join('.'),
      spec,
      labels:
        isObject(metadata) && isObject(metadata.labels)
          ? (metadata.labels as Record<string, string>)
          : {},
    });
  }
  return found;
}

// Capabilities baseline lets containers add (the container runtime's default set).
const BASELINE_CAPABILITIES = new Set([
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

const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

const SELINUX_TYPES = new Set([
  'container_t',
  'container_init_t',
  'container_kvm_t',
  'container_engine_t',
]);

const RESTRICTED_VOLUME_TYPES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

/**
 * Checks one pod spec against a Pod Security Standards level; `path` prefixes the reported field paths.
 *
 * @public
 */
export function checkPodSecurity(
  spec: IPodSpec,
  level: PodSecurityLevel,
  path = 'spec',
): PodSecurityViolation[] {
  if (level === 'privileged') return [];
  const violations: PodSecurityViolation[] = [];
  const report = (at: string, check: string, message: string) =>
    violations.push({ path: at, check, message });
  const restricted = level === 'restricted';
  const podContext: IPodSecurityContext = isObject(spec.securityContext)
    ? spec.securityContext
    : {};

  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[field] === true) {
      report(`${path}.${field}`, 'hostNamespaces', `${field} must not be true`);
    }
  }
  if (podContext.windowsOptions?.hostProcess === true) {
    report(
      `${path}.securityContext.windowsOptions.hostProcess`,
      'hostProcess',
      'host process pods are not allowed',
    );
  }
  checkSeLinux(podContext, `${path}.securityContext`, report);
  checkSeccomp(podContext, `${path}.securityContext`, false, report);
  checkAppArmor(podContext, `${path}.securityContext`, report);
  for (const [index, sysctl] of (Array.isArray(podContext.sysctls)
    ? podContext.sysctls
    : []
  ).entries()) {
    if (!SAFE_SYSCTLS.has(sysctl?.name)) {
      report(
        `${path}.securityContext.sysctls[${index}]`,
        'sysctls',
        `sysctl ${sysctl?.name} is not in the safe set`,
      );
    }
  }
  if (restricted && podContext.runAsUser === 0) {
    report(
      `${path}.securityContext.runAsUser`,
      'runAsUser',
      'runAsUser must not be 0 (root)',
    );
  }

  for (const [index, volume] of (Array.isArray(spec.volumes)
    ? spec.volumes
    : []
  ).entries()) {
    if (!isObject(volume)) continue;
    const at = `${path}.volumes[${index}]`;
    if (volume.hostPath !== undefined) {
      report(
        `${at}.hostPath`,
        'hostPathVolumes',
        `volume ${volume.name} mounts a host path`,
      );
    } else if (restricted) {
      const type = Object.keys(volume).find(k => k !== 'name');
      if (type && !RESTRICTED_VOLUME_TYPES.has(type)) {
        report(
          `${at}.${type}`,
          'restrictedVolumes',
          `volume type ${type} is not allowed (allowed: ${[
            ...RESTRICTED_VOLUME_TYPES,
          ].join(', ')})`,
        );
      }
    }
  }

  const lists: Array<
    [string, Array<IContainer | IEphemeralContainer> | undefined]
  > = [
    ['initContainers', spec.initContainers],
    ['containers', spec.containers],
    ['ephemeralContainers', spec.ephemeralContainers],
  ];
  for (const [listName, list] of lists) {
    if (!Array.isArray(list)) continue;
    for (const [index, container] of list.entries()) {
      if (!isObject(container)) continue;
      checkContainer(
        container,
        podContext,
        `${path}.${listName}[${index}]`,
        restricted,
        report,
      );
    }
  }
  return violations;
}

type Reporter = (path: string, check: string, message: string) => void;

function checkContainer(
  container: IContainer | IEphemeralContainer,
  podContext: IPodSecurityContext,
  path: string,
  restricted: boolean,
  report: Reporter,
) {
  const context: ISecurityContext = isObject(container.securityContext)
    ? container.securityContext
    : {};
  const at = `${path}.securityContext`;
  const name = container.name ?? '<unnamed>';
  if (context.privileged === true) {
    report(`${at}.privileged`, 'privileged', `container ${name} is privileged`);
  }
  if (context.windowsOptions?.hostProcess === true) {
    report(
      `${at}.windowsOptions.hostProcess`,
      'hostProcess',
      `container ${name} is a host process`,
    );
  }
  if (context.procMount !== undefined && context.procMount !== 'Default') {
    report(`${at}.procMount`, 'procMount', 'procMount must be Default');
  }
  checkSeLinux(context, at, report);
  checkAppArmor(context, at, report);
  for (const [index, port] of (Array.isArray(container.ports)
    ? container.ports
    : []
  ).entries()) {
    if (port?.hostPort !== undefined && port.hostPort !== 0) {
      report(
        `${path}.ports[${index}].hostPort`,
        'hostPorts',
        `container ${name} binds host port ${port.hostPort}`,
      );
    }
  }
  const added: string[] = Array.isArray(context.capabilities?.add)
    ? context.capabilities.add.map(String)
    : [];
  for (const capability of added) {
    const bare = capability.replace(/^CAP_/, '');
    const allowed = restricted
      ? bare === 'NET_BIND_SERVICE'
      : BASELINE_CAPABILITIES.has(bare);
    if (!allowed) {
      report(
        `${at}.capabilities.add`,
        'capabilities',
        `container ${name} adds capability ${capability}${
          restricted ? ' (only NET_BIND_SERVICE may be added)' : ''
        }`,
      );
    }
  }
  if (!restricted) return;

  const dropped: string[] = Array.isArray(context.capabilities?.drop)
    ? context.capabilities.drop.map(String)
    : [];
  if (!dropped.includes('ALL')) {
    report(
      `${at}.capabilities.drop`,
      'capabilities',
      `container ${name} must drop ALL capabilities`,
    );
  }
  if (context.allowPrivilegeEscalation !== false) {
    report(
      `${at}.allowPrivilegeEscalation`,
      'allowPrivilegeEscalation',
      `container ${name} must set allowPrivilegeEscalation: false`,
    );
  }
  const runAsNonRoot = context.runAsNonRoot ?? podContext.runAsNonRoot;
  if (runAsNonRoot !== true) {
    report(
      `${at}.runAsNonRoot`,
      'runAsNonRoot',
      `container ${name} must run as non-root (runAsNonRoot: true on the pod or the container)`,
    );
  }
  if (context.runAsUser === 0) {
    report(`${at}.runAsUser`, 'runAsUser', `container ${name} runs as uid 0`);
  }
  const seccomp =
    context.seccompProfile?.type ?? podContext.seccompProfile?.type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
    report(
      `${at}.seccompProfile`,
      'seccompProfile',
      `container ${name} needs seccompProfile RuntimeDefault or Localhost (on the pod or the container)`,
    );
  }
  checkSeccomp(context, at, true, report);
}

function checkSeccomp(
  context: ISecurityContext | IPodSecurityContext,
  at: string,
  container: boolean,
  report: Reporter,
) {
  if (context.seccompProfile?.type === 'Unconfined') {
    report(
      `${at}.seccompProfile.type`,
      'seccompProfile',
      `${container ? 'a container' : 'the pod'} must not be Unconfined`,
    );
  }
}

function checkSeLinux(
  context: ISecurityContext | IPodSecurityContext,
  at: string,
  report: Reporter,
) {
  const options = context.seLinuxOptions;
  if (typeof options !== 'object' || options === null) return;
  if (
    options.type !== undefined &&
    options.type !== '' &&
    !SELINUX_TYPES.has(options.type)
  ) {
    report(
      `${at}.seLinuxOptions.type`,
      'seLinuxOptions',
      `SELinux type ${options.type} is not allowed`,
    );
  }
  for (const field of ['user', 'role'] as const) {
    if (options[field] !== undefined && options[field] !== '') {
      report(
        `${at}.seLinuxOptions.${field}`,
        'seLinuxOptions',
        `SELinux ${field} must not be set`,
      );
    }
  }
}

function checkAppArmor(
  context: ISecurityContext | IPodSecurityContext,
  at: string,
  report: Reporter,
) {
  const type = context.appArmorProfile?.type;
  if (type === 'Unconfined') {
    report(
      `${at}.appArmorProfile.type`,
      'appArmorProfile',
      'AppArmor must not be Unconfined',
    );
  }
}

function dig(value: unknown, segments: string[]): unknown {
  return segments.reduce<unknown>(
    (current, key) => (isObject(current) ? current[key] : undefined),
    value,
  );
}

/**
 * A YAML mapping where a pod spec belongs, typed as one from here on: the parse boundary. It is not validated, so
 * the checks read every field defensively.
 */
function isPodSpecMapping(value: unknown): value is IPodSpec {
  return isObject(value);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
