/*
 * Defaulting and admission-time additions the API server applies on create,
 * so that objects read back look like those of a real cluster (a Deployment
 * applied with five fields comes back with strategy, revisionHistoryLimit,
 * container termination message settings, and so on).
 */
import { KubeObject } from '../store/storedObject';
import { isPlainObject } from './listSemantics';

type Obj = Record<string, any>;

function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined) o[key] = value;
}

function defaultImagePullPolicy(image: string | undefined): string {
  if (!image) return 'IfNotPresent';
  if (image.includes('@sha256:')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const tagAt = image.indexOf(':', lastSlash + 1);
  if (tagAt < 0) return 'Always';
  return image.slice(tagAt + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Obj): void {
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'imagePullPolicy', defaultImagePullPolicy(c.image));
  setDefault(c, 'resources', {});
  // requests default to limits when only limits are given
  const res = c.resources as Obj;
  if (isPlainObject(res.limits)) {
    res.requests = { ...(res.limits as Obj), ...((res.requests as Obj) ?? {}) };
  }
  for (const p of (c.ports as Obj[]) ?? []) setDefault(p, 'protocol', 'TCP');
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const pr = c[probe] as Obj | undefined;
    if (!pr) continue;
    setDefault(pr, 'timeoutSeconds', 1);
    setDefault(pr, 'periodSeconds', 10);
    setDefault(pr, 'successThreshold', 1);
    setDefault(pr, 'failureThreshold', 3);
    if (pr.httpGet) setDefault(pr.httpGet, 'scheme', 'HTTP');
  }
}

/** Defaults of a PodSpec (pods and every pod template). */
export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const c of (spec.containers as Obj[]) ?? []) defaultContainer(c);
  for (const c of (spec.initContainers as Obj[]) ?? []) defaultContainer(c);
}

function defaultTemplate(spec: Obj): void {
  const template = spec.template as Obj | undefined;
  if (!template) return;
  setDefault(template, 'metadata', {});
  if (isPlainObject(template.spec)) defaultPodSpec(template.spec as Obj);
}

/** Context for defaults that need the cluster (random names, IP allocation). */
export interface DefaultingContext {
  randomSuffix(): string;
  allocateServiceIp(): string;
}

/** Pod-only additions made by admission plugins (ServiceAccount, DefaultTolerationSeconds, Priority). */
function admitPod(pod: Obj, ctx: DefaultingContext): void {
  const spec = pod.spec as Obj;
  defaultPodSpec(spec);
  setDefault(spec, 'serviceAccountName', 'default');
  setDefault(spec, 'serviceAccount', spec.serviceAccountName);
  setDefault(spec, 'enableServiceLinks', true);
  setDefault(spec, 'priority', 0);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  const tolerations = ((spec.tolerations as Obj[]) ?? []).slice();
  for (const key of [
    'node.kubernetes.io/not-ready',
    'node.kubernetes.io/unreachable',
  ]) {
    if (
      !tolerations.some(
        t => t.key === key && (t.effect === 'NoExecute' || !t.effect),
      )
    ) {
      tolerations.push({
        key,
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      });
    }
  }
  spec.tolerations = tolerations;
  const volumes = ((spec.volumes as Obj[]) ?? []).slice();
  if (!volumes.some(v => String(v.name).startsWith('kube-api-access-'))) {
    const name = `kube-api-access-${ctx.randomSuffix()}`;
    volumes.push({
      name,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          {
            configMap: {
              name: 'kube-root-ca.crt',
              items: [{ key: 'ca.crt', path: 'ca.crt' }],
            },
          },
          {
            downwardAPI: {
              items: [
                {
                  path: 'namespace',
                  fieldRef: {
                    apiVersion: 'v1',
                    fieldPath: 'metadata.namespace',
                  },
                },
              ],
            },
          },
        ],
      },
    });
    for (const c of (spec.containers as Obj[]) ?? []) {
      c.volumeMounts = [
        ...((c.volumeMounts as Obj[]) ?? []),
        {
          name,
          readOnly: true,
          mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
        },
      ];
    }
  }
  spec.volumes = volumes;
  setDefault(pod, 'status', {});
  const status = pod.status as Obj;
  setDefault(status, 'phase', 'Pending');
  setDefault(status, 'qosClass', qosClass(spec));
}

/** The QoS class the API server assigns from requests and limits. */
export function qosClass(spec: Obj): string {
  const containers = (spec.containers as Obj[]) ?? [];
  let allGuaranteed = containers.length > 0;
  let any = false;
  for (const c of containers) {
    const req = (c.resources?.requests ?? {}) as Obj;
    const lim = (c.resources?.limits ?? {}) as Obj;
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined || req[r] !== lim[r]) allGuaranteed = false;
    }
  }
  if (allGuaranteed) return 'Guaranteed';
  return any ? 'Burstable' : 'BestEffort';
}

/** Applies create-time defaults for a kind, in place. */
export function applyDefaults(obj: KubeObject, ctx: DefaultingContext): void {
  const o = obj as Obj;
  const spec = (o.spec ?? {}) as Obj;
  switch (o.kind) {
    case 'Pod':
      o.spec = spec;
      admitPod(o, ctx);
      break;
    case 'Deployment':
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      setDefault(spec, 'strategy', {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      });
      defaultTemplate(spec);
      break;
    case 'ReplicaSet':
      setDefault(spec, 'replicas', 1);
      defaultTemplate(spec);
      break;
    case 'StatefulSet':
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'podManagementPolicy', 'OrderedReady');
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'updateStrategy', {
        type: 'RollingUpdate',
        rollingUpdate: { partition: 0 },
      });
      setDefault(spec, 'persistentVolumeClaimRetentionPolicy', {
        whenDeleted: 'Retain',
        whenScaled: 'Retain',
      });
      defaultTemplate(spec);
      break;
    case 'DaemonSet':
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'updateStrategy', {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
      });
      defaultTemplate(spec);
      break;
    case 'Job':
      setDefault(spec, 'parallelism', 1);
      setDefault(spec, 'completions', 1);
      setDefault(spec, 'backoffLimit', 6);
      defaultTemplate(spec);
      break;
    case 'Service':
      setDefault(spec, 'type', 'ClusterIP');
      setDefault(spec, 'sessionAffinity', 'None');
      if (spec.clusterIP === undefined && spec.type !== 'ExternalName') {
        spec.clusterIP = ctx.allocateServiceIp();
      }
      if (spec.clusterIP && spec.clusterIP !== 'None')
        setDefault(spec, 'clusterIPs', [spec.clusterIP]);
      setDefault(spec, 'ipFamilies', ['IPv4']);
      setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
      setDefault(spec, 'internalTrafficPolicy', 'Cluster');
      for (const p of (spec.ports as Obj[]) ?? []) {
        setDefault(p, 'protocol', 'TCP');
        setDefault(p, 'targetPort', p.port);
      }
      setDefault(o, 'status', { loadBalancer: {} });
      break;
    case 'Namespace':
      o.metadata!.labels = {
        ...(o.metadata!.labels ?? {}),
        'kubernetes.io/metadata.name': o.metadata!.name!,
      };
      setDefault(spec, 'finalizers', ['kubernetes']);
      o.status = { phase: 'Active' };
      break;
    case 'PersistentVolumeClaim':
      setDefault(spec, 'volumeMode', 'Filesystem');
      setDefault(o, 'status', { phase: 'Pending' });
      break;
    case 'StorageClass':
      // storage/v1 SetDefaults_StorageClass
      setDefault(o, 'reclaimPolicy', 'Delete');
      setDefault(o, 'volumeBindingMode', 'Immediate');
      break;
    case 'HorizontalPodAutoscaler':
      setDefault(spec, 'minReplicas', 1);
      break;
    default:
      return;
  }
  if (o.kind !== 'Pod' && o.spec === undefined && Object.keys(spec).length > 0)
    o.spec = spec;
}
