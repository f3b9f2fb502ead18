/*
 * Whether NetworkPolicies (networking.k8s.io/v1) admit a connection to a pod.
 * Pure: the caller passes the destination namespace's policies.
 *
 * Follows the Kubernetes NetworkPolicy concept page
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/)
 * and the API reference (https://kubernetes.io/docs/reference/kubernetes-api/
 * policy-resources/network-policy-v1/):
 * - a pod is isolated for ingress only when some policy in its namespace
 *   selects it (`spec.podSelector`, `{}` = every pod) and has `Ingress` in its
 *   policyTypes (when policyTypes is omitted, `Ingress` is always implied);
 *   a pod no such policy selects accepts everything;
 * - an isolated pod accepts a connection that at least one ingress rule of one
 *   of those policies allows (policies are additive: the union of rules);
 * - a rule allows a connection when a `from` peer matches the source (no
 *   `from`, or an empty list, matches every source) and a `ports` entry matches
 *   the destination port (no `ports` matches every port);
 * - a peer is one of: `podSelector` (pods of the policy's namespace),
 *   `namespaceSelector` (every pod of the selected namespaces), both in one
 *   peer (pods matching the podSelector in the selected namespaces: AND), or
 *   `ipBlock` (`cidr` minus its `except` ranges);
 * - a port entry matches the protocol (default TCP) and the port: a number,
 *   or a name resolved against the destination pod's container ports; with
 *   `endPort`, the numeric range port..endPort.
 * IPv6 CIDRs are not modelled (the simulator's addresses are IPv4): an IPv6
 * ipBlock matches nothing. Egress of the source pod is not evaluated.
 */
import { compileLabelSelector } from '../api/labelSelector';

type Obj = Record<string, any>;

/** Where a connection comes from: a pod, or an address outside the pod network. @public */
export type TrafficSource =
  | {
      kind: 'pod';
      namespace: string;
      /** labels of the source pod's namespace */
      namespaceLabels: Record<string, string>;
      podLabels: Record<string, string>;
      ip?: string;
    }
  | { kind: 'ip'; ip: string };

/** The connection's destination. @public */
export interface TrafficDestination {
  /** the destination pod (metadata.labels, metadata.namespace, spec.containers[].ports) */
  pod: Obj;
  /** container port number, or a container port name */
  port: number | string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** The verdict, with the policies that isolate the pod. @public */
export interface TrafficVerdict {
  allowed: boolean;
  /** names of the policies selecting the pod for ingress (empty: not isolated) */
  isolatedBy: string[];
}

function ipv4ToNumber(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some(p => p > 255)) return undefined;
  return (
    ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3]
  );
}

/** Whether an IPv4 address lies in a CIDR (`a.b.c.d/n`). @public */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const b = ipv4ToNumber(base);
  const a = ipv4ToNumber(ip);
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (a === undefined || b === undefined || !(bits >= 0 && bits <= 32))
    return false;
  if (bits === 0) return true;
  const mask = (~0 << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

/** The `n`-th address of a CIDR (0 = the network address). @public */
export function addressInCidr(cidr: string, n: number): string {
  const base = ipv4ToNumber(cidr.split('/')[0]) ?? 0;
  const v = (base + n) >>> 0;
  return [24, 16, 8, 0].map(s => (v >>> s) & 255).join('.');
}

function selects(selector: Obj | undefined, labels: Record<string, string>) {
  // an absent selector in a peer means "not constrained"; callers handle absence
  return compileLabelSelector(selector ?? {}).matches(labels);
}

function hasIngressType(policy: Obj): boolean {
  const types = policy.spec?.policyTypes as string[] | undefined;
  if (!types || types.length === 0) return true;
  return types.includes('Ingress');
}

function peerMatches(
  peer: Obj,
  policyNamespace: string,
  source: TrafficSource,
): boolean {
  if (peer.ipBlock) {
    const ip = source.ip;
    if (!ip) return false;
    if (!cidrContains(String(peer.ipBlock.cidr), ip)) return false;
    return !((peer.ipBlock.except ?? []) as string[]).some(e =>
      cidrContains(e, ip),
    );
  }
  if (source.kind !== 'pod') return false;
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  const nsOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, source.namespaceLabels)
    : source.namespace === policyNamespace;
  const podOk = peer.podSelector
    ? selects(peer.podSelector, source.podLabels)
    : true;
  return nsOk && podOk;
}

/** Container port number of a named port on the pod, for a protocol. */
function namedPort(
  pod: Obj,
  name: string,
  protocol: string,
): number | undefined {
  for (const c of (pod.spec?.containers ?? []) as Obj[])
    for (const p of (c.ports ?? []) as Obj[])
      if (p.name === name && (p.protocol ?? 'TCP') === protocol)
        return Number(p.containerPort);
  return undefined;
}

function portMatches(entry: Obj, dest: TrafficDestination): boolean {
  const protocol = dest.protocol ?? 'TCP';
  if ((entry.protocol ?? 'TCP') !== protocol) return false;
  if (entry.port === undefined || entry.port === null) return true;
  const destPort =
    typeof dest.port === 'number' || /^\d+$/.test(dest.port)
      ? Number(dest.port)
      : namedPort(dest.pod, dest.port, protocol);
  if (destPort === undefined) return false;
  const want =
    typeof entry.port === 'number' || /^\d+$/.test(String(entry.port))
      ? Number(entry.port)
      : namedPort(dest.pod, String(entry.port), protocol);
  if (want === undefined) return false;
  if (entry.endPort !== undefined && typeof entry.port === 'number')
    return destPort >= want && destPort <= Number(entry.endPort);
  return destPort === want;
}

function ruleAllows(
  rule: Obj,
  policyNamespace: string,
  source: TrafficSource,
  dest: TrafficDestination,
): boolean {
  const from = (rule.from ?? []) as Obj[];
  const ports = (rule.ports ?? []) as Obj[];
  const fromOk =
    from.length === 0 ||
    from.some(p => peerMatches(p, policyNamespace, source));
  const portOk = ports.length === 0 || ports.some(p => portMatches(p, dest));
  return fromOk && portOk;
}

/**
 * Whether the destination pod accepts the connection, given the
 * NetworkPolicies of the pod's namespace.
 */
export function ingressAllowed(
  policies: Obj[],
  source: TrafficSource,
  dest: TrafficDestination,
): TrafficVerdict {
  const namespace = String(dest.pod.metadata?.namespace ?? '');
  const podLabels = (dest.pod.metadata?.labels ?? {}) as Record<string, string>;
  const selecting = policies.filter(
    p =>
      (p.metadata?.namespace ?? namespace) === namespace &&
      hasIngressType(p) &&
      selects(p.spec?.podSelector, podLabels),
  );
  if (selecting.length === 0) return { allowed: true, isolatedBy: [] };
  const allowed = selecting.some(p =>
    ((p.spec?.ingress ?? []) as Obj[]).some(rule =>
      ruleAllows(rule, namespace, source, dest),
    ),
  );
  return { allowed, isolatedBy: selecting.map(p => String(p.metadata?.name)) };
}
