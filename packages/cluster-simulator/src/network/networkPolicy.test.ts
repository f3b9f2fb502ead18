import {
  TrafficSource,
  addressInCidr,
  cidrContains,
  ingressAllowed,
} from './networkPolicy';

type Obj = Record<string, any>;

const pod: Obj = {
  metadata: { namespace: 'ml', labels: { app: 'chat' } },
  spec: {
    containers: [
      {
        ports: [
          { name: 'http', containerPort: 8000 },
          { name: 'dns', containerPort: 53, protocol: 'UDP' },
        ],
      },
    ],
  },
};
const policy = (spec: Obj, name = 'p'): Obj => ({
  metadata: { name, namespace: 'ml' },
  spec: { podSelector: {}, ...spec },
});
const fromPod = (
  namespace: string,
  podLabels: Record<string, string> = {},
  nsLabels: Record<string, string> = {},
): TrafficSource => ({
  kind: 'pod',
  namespace,
  podLabels,
  namespaceLabels: { 'kubernetes.io/metadata.name': namespace, ...nsLabels },
});
const allowed = (
  policies: Obj[],
  source: TrafficSource,
  port: number | string = 8000,
  protocol?: 'TCP' | 'UDP',
) => ingressAllowed(policies, source, { pod, port, protocol }).allowed;

describe('ingressAllowed', () => {
  it('isolates a pod only when an Ingress policy selects it', () => {
    const other = policy({ podSelector: { matchLabels: { app: 'other' } } });
    const egressOnly = policy({ policyTypes: ['Egress'] });
    expect(allowed([], fromPod('x'))).toBe(true);
    expect(allowed([other], fromPod('x'))).toBe(true);
    expect(allowed([egressOnly], fromPod('x'))).toBe(true);
    // policyTypes omitted: Ingress implied, no rules: deny all
    expect(allowed([policy({})], fromPod('x'))).toBe(false);
  });

  it('unions the rules of every selecting policy', () => {
    const sameNs = policy({ ingress: [{ from: [{ podSelector: {} }] }] }, 'a');
    const monitoring = policy(
      {
        ingress: [
          {
            from: [
              {
                namespaceSelector: {
                  matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
                },
              },
            ],
          },
        ],
      },
      'b',
    );
    expect(allowed([sameNs, monitoring], fromPod('ml'))).toBe(true);
    expect(allowed([sameNs, monitoring], fromPod('monitoring'))).toBe(true);
    expect(allowed([sameNs, monitoring], fromPod('keda'))).toBe(false);
  });

  it('ANDs podSelector and namespaceSelector within one peer, ORs separate peers', () => {
    const and = policy({
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { team: 'obs' } },
              podSelector: { matchLabels: { app: 'prometheus' } },
            },
          ],
        },
      ],
    });
    const or = policy({
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { team: 'obs' } } },
            { podSelector: { matchLabels: { app: 'prometheus' } } },
          ],
        },
      ],
    });
    const grafana = fromPod('obs', { app: 'grafana' }, { team: 'obs' });
    const promHere = fromPod('ml', { app: 'prometheus' });
    expect(allowed([and], grafana)).toBe(false);
    expect(allowed([and], promHere)).toBe(false);
    expect(
      allowed([and], fromPod('obs', { app: 'prometheus' }, { team: 'obs' })),
    ).toBe(true);
    expect(allowed([or], grafana)).toBe(true);
    expect(allowed([or], promHere)).toBe(true);
    // a podSelector alone means pods of the policy's own namespace
    expect(allowed([or], fromPod('x', { app: 'prometheus' }))).toBe(false);
  });

  it('matches ipBlock cidr minus except', () => {
    const p = policy({
      ingress: [
        {
          from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.5.0/24'] } }],
        },
      ],
    });
    expect(allowed([p], { kind: 'ip', ip: '10.0.0.10' })).toBe(true);
    expect(allowed([p], { kind: 'ip', ip: '10.0.5.7' })).toBe(false);
    expect(allowed([p], { kind: 'ip', ip: '10.1.0.1' })).toBe(false);
    expect(allowed([p], fromPod('ml'))).toBe(false);
  });

  it("matches ports by number, by the pod's named port, by range and by protocol", () => {
    const rule = (ports: Obj[]) => policy({ ingress: [{ ports }] });
    expect(allowed([rule([{ port: 8000 }])], fromPod('x'))).toBe(true);
    expect(allowed([rule([{ port: 9000 }])], fromPod('x'))).toBe(false);
    expect(allowed([rule([{ port: 'http' }])], fromPod('x'), 8000)).toBe(true);
    expect(allowed([rule([{ port: 8000 }])], fromPod('x'), 'http')).toBe(true);
    expect(allowed([rule([{ port: 'metrics' }])], fromPod('x'))).toBe(false);
    expect(allowed([rule([{ port: 7000, endPort: 8080 }])], fromPod('x'))).toBe(
      true,
    );
    expect(allowed([rule([{ port: 7000, endPort: 7999 }])], fromPod('x'))).toBe(
      false,
    );
    expect(allowed([rule([{ port: 53 }])], fromPod('x'), 53, 'UDP')).toBe(
      false,
    );
    expect(
      allowed(
        [rule([{ port: 'dns', protocol: 'UDP' }])],
        fromPod('x'),
        53,
        'UDP',
      ),
    ).toBe(true);
  });

  it('requires both the peer and the port of one rule', () => {
    const p = policy({
      ingress: [
        { from: [{ podSelector: {} }], ports: [{ port: 9000 }] },
        { ports: [{ port: 8000 }] },
      ],
    });
    expect(allowed([p], fromPod('elsewhere'), 8000)).toBe(true);
    expect(allowed([p], fromPod('elsewhere'), 9000)).toBe(false);
    expect(allowed([p], fromPod('ml'), 9000)).toBe(true);
  });
});

describe('CIDR helpers', () => {
  it.each([
    ['10.0.0.0/16', '10.0.255.255', true],
    ['10.0.0.0/16', '10.1.0.0', false],
    ['0.0.0.0/0', '192.168.1.1', true],
    ['10.0.0.10/32', '10.0.0.10', true],
    ['fd00::/8', '10.0.0.1', false],
  ])('%s contains %s: %s', (cidr, ip, expected) => {
    expect(cidrContains(cidr, ip)).toBe(expected);
  });
  it('addresses inside a CIDR', () => {
    expect(addressInCidr('10.0.0.0/16', 10)).toBe('10.0.0.10');
  });
});
