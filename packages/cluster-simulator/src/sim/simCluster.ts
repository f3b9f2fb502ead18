/*
 * One simulated cluster: its store and API semantics, the watch hub, the
 * simulated control plane (controllers, scheduler, kubelets, autoscalers,
 * Karpenter), the traffic model, and what the HTTP front end asks of it
 * (pod proxy, logs, metrics.k8s.io, fault state).
 */
import { defaultStorageClassAdmission } from '../admission/defaultStorageClass';
import { podSecurityAdmission } from '../admission/podSecurityAdmission';
import { ClusterApi } from '../api/clusterApi';
import { TrafficSource } from '../network/networkPolicy';
import { DEFAULT_API_SERVER_CIDR } from '../network/podTraffic';
import { bootstrapPolicy } from '../auth/bootstrapPolicy';
import { ClusterAuth } from '../auth/clusterAuth';
import { validateRbac } from '../auth/rbacValidation';
import { LabelSelector } from '../api/labelSelector';
import { resourceById } from '../api/resources';
import { statusBody } from '../api/status';
import { Controller, ControllerContext } from '../controllers/controller';
import { DaemonSetController } from '../controllers/daemonSetController';
import { DeploymentController } from '../controllers/deploymentController';
import { DisruptionController } from '../controllers/disruptionController';
import { EventRecorder } from '../controllers/eventRecorder';
import { GarbageCollector } from '../controllers/garbageCollector';
import { HpaController } from '../controllers/hpaController';
import { KarpenterController } from '../controllers/karpenterController';
import { KedaController } from '../controllers/kedaController';
import { HttpAddOnController } from '../controllers/httpAddOnController';
import { HttpInterceptor } from '../controllers/httpAddOnInterceptor';
import { Kubelets, PodLife } from '../controllers/kubelet';
import { NamespaceController } from '../controllers/namespaceController';
import { QuotaController } from '../controllers/quotaController';
import { ReplicaSetController } from '../controllers/replicaSetController';
import { Scheduler } from '../controllers/scheduler';
import {
  InferenceServiceController,
  LeaderWorkerSetController,
} from '../controllers/servingControllers';
import { StatefulSetController } from '../controllers/statefulSetController';
import { VolumeBinder } from '../controllers/volumeBinder';
import { ExternalProvisioner } from '../controllers/externalProvisioner';
import { EphemeralVolumeController } from '../controllers/ephemeralVolumeController';
import { WorkQueue } from '../controllers/workQueue';
import { FaultState } from '../faults/faults';
import { DcgmState } from '../metrics/dcgmMetrics';
import { clusterPrometheus } from '../metrics/promql/clusterPrometheus';
import { RemotePrometheus } from '../metrics/promql/remotePrometheus';
import { SimPrometheus } from '../metrics/promql/simPrometheus';
import type { Timing } from '../scenario/schema';
import {
  ProxyResponse,
  ServedCluster,
  ClusterTokens,
} from '../server/servedCluster';
import { WatchHub } from '../server/watchHub';
import { ClusterStore } from '../store/clusterStore';
import { HistoryLimits } from '../store/eventHistory';
import { KubeObject } from '../store/storedObject';
import { SimClock } from './clock';
import { InferenceRuntime } from './inferenceRuntime';
import { MetricsProvider } from './metricsProvider';
import { podLogs, proxyToPod } from './podEndpoints';
import { ForwardedRequest, proxyToService } from './serviceEndpoints';
import { Rng } from './random';
import { WorkloadProfiles } from './workloadProfiles';

const PODS = resourceById('core/pods');
const NODES = resourceById('core/nodes');

/** Options of one simulated cluster. @public */
export interface SimClusterOptions {
  name: string;
  region: string;
  kubernetesVersion: string;
  tokens: ClusterTokens;
  clock: SimClock;
  timing: Timing;
  seed: string | number;
  history?: HistoryLimits;
  bookmarkIntervalMs?: number;
  normalEvents?: boolean;
  log?: (message: string) => void;
  /** where the API server's proxy connections come from (NetworkPolicy ipBlocks); default 10.0.0.0/16 */
  apiServerCidr?: string;
  /** a real Prometheus base URL for KEDA's prometheus scaler instead of the simulated one */
  prometheusUrl?: string;
}

/** A simulated GPU cluster. @public */
export class SimCluster implements ServedCluster {
  readonly name: string;
  readonly region: string;
  readonly tokens: ClusterTokens;
  readonly kubernetesVersion: string;
  readonly clock: SimClock;
  readonly rng: Rng;
  readonly store: ClusterStore;
  readonly api: ClusterApi;
  readonly auth: ClusterAuth;
  readonly watches: WatchHub;
  readonly faults = new FaultState();
  readonly requestCounts = { watch: 0, proxy: 0, probe: 0, other: 0 };
  readonly profiles = new WorkloadProfiles();
  readonly runtime: InferenceRuntime;
  readonly events: EventRecorder;
  readonly gc: GarbageCollector;
  readonly scheduler: Scheduler;
  readonly kubelets: Kubelets;
  readonly metrics: MetricsProvider;
  readonly dcgm: DcgmState;
  /** KEDA's operator and metrics adapter (registerScaler for add-on scalers) */
  readonly keda: KedaController;
  /** kube-prometheus-stack's Prometheus (`prometheus-operated.monitoring.svc:9090`) */
  readonly prometheus: SimPrometheus;
  /** the KEDA HTTP add-on's interceptor (`keda-add-ons-http-interceptor-proxy.keda:8080`) */
  readonly interceptor: HttpInterceptor;
  private readonly queues: WorkQueue[] = [];
  private readonly controllers: Controller[] = [];
  /** the CIDR the API server's proxy connections come from */
  readonly apiServerCidr: string;
  /** set while a restart fault keeps the cluster down */
  down = false;

  constructor(opts: SimClusterOptions) {
    this.name = opts.name;
    this.region = opts.region;
    this.tokens = opts.tokens;
    this.kubernetesVersion = opts.kubernetesVersion;
    this.apiServerCidr = opts.apiServerCidr ?? DEFAULT_API_SERVER_CIDR;
    this.clock = opts.clock;
    this.rng = new Rng(`${opts.seed}/${opts.name}`);
    this.store = new ClusterStore({ history: opts.history });
    this.api = new ClusterApi(this.store, this.clock, this.rng);
    this.api.addAdmission(validateRbac);
    this.api.addAdmission(podSecurityAdmission(this.store));
    this.api.addAdmission(defaultStorageClassAdmission(this.store));
    bootstrapPolicy(this.store, this.name, this.clock.nowIso());
    this.auth = new ClusterAuth({
      tokens: this.tokens,
      store: this.store,
      now: () => this.clock.now(),
      keySeed: `${opts.seed}/${opts.name}`,
    });
    this.watches = new WatchHub(this.store, opts.bookmarkIntervalMs ?? 60_000);
    this.events = new EventRecorder(this.api, this.store, this.clock);
    this.events.recordNormal = opts.normalEvents ?? true;
    this.runtime = new InferenceRuntime(this.clock);
    const log = opts.log ?? (() => {});
    const ctx: ControllerContext = {
      clusterName: this.name,
      region: this.region,
      api: this.api,
      store: this.store,
      clock: this.clock,
      rng: this.rng,
      events: this.events,
      timing: opts.timing,
      registerQueue: q => this.queues.push(q),
      log: m => log(`[${this.name}] ${m}`),
    };
    this.gc = new GarbageCollector(ctx);
    this.scheduler = new Scheduler(ctx);
    this.kubelets = new Kubelets(ctx, this.gc, this.profiles, this.runtime);
    this.metrics = new MetricsProvider(this.runtime, k =>
      this.kubelets.podsOf(k),
    );
    this.dcgm = new DcgmState(this.runtime, () => this.clock.now());
    const hpa = new HpaController(ctx, this.metrics);
    hpa.topOwner = (ns, kind, name) => this.kubelets.topOwnerOf(ns, kind, name);
    this.controllers.push(
      this.gc,
      new NamespaceController(ctx, this.gc),
      new DeploymentController(ctx, this.gc),
      new ReplicaSetController(ctx, this.gc),
      new StatefulSetController(ctx, this.gc),
      new DaemonSetController(ctx, this.gc),
      this.scheduler,
      this.kubelets,
      hpa,
      (this.keda = new KedaController(ctx, this.metrics, hpa)),
      new KarpenterController(ctx, this.scheduler),
      new QuotaController(ctx),
      new DisruptionController(ctx),
      new VolumeBinder(ctx),
      new ExternalProvisioner(ctx),
      new EphemeralVolumeController(ctx),
      new InferenceServiceController(ctx, this.gc),
      new LeaderWorkerSetController(ctx, this.gc),
    );
    this.interceptor = new HttpInterceptor(this);
    const httpAddOn = new HttpAddOnController(ctx, this.gc, this.interceptor);
    this.keda.registerScaler('external-push', httpAddOn.scaler);
    this.keda.registerScaler('external', httpAddOn.scaler);
    // the add-on's scaler pushes activity (StreamIsActive): KEDA checks at once
    this.interceptor.onArrival = so =>
      this.keda.enqueue(`${so.metadata.namespace}/${so.metadata.name}`);
    this.controllers.push(httpAddOn);
    this.prometheus = clusterPrometheus(this);
    const remote = opts.prometheusUrl
      ? new RemotePrometheus(opts.prometheusUrl)
      : undefined;
    this.keda.prometheusQuery = (_ns, q) =>
      remote ? remote.query(q) : this.prometheus.query(q);
    this.clock.onAfterBatch(() => this.drain());
  }

  /** Objects whose ownerReferences name an owner uid. */
  readonly dependents = (uid: string) => this.gc.dependents(uid);

  now(): number {
    return this.clock.now();
  }

  /** Runs every controller until no work is queued. */
  drain(): void {
    for (let round = 0; round < 50; round++) {
      let pending = 0;
      for (const q of this.queues) {
        if (q.length > 0) {
          q.drain();
          pending++;
        }
      }
      if (pending === 0) return;
    }
  }

  /** The kubelet's view of a pod, if it runs. */
  podLife(namespace: string, name: string): PodLife | undefined {
    return this.kubelets.pods.get(`${namespace}/${name}`);
  }

  proxyToPod(
    pod: KubeObject,
    port: string | undefined,
    path: string,
    query: URLSearchParams,
    request?: ForwardedRequest,
    source?: TrafficSource,
  ): ProxyResponse {
    return proxyToPod(this, pod, port, path, query, request, source);
  }

  proxyToService(
    service: KubeObject,
    port: string | undefined,
    path: string,
    query: URLSearchParams,
    request: ForwardedRequest,
  ): ProxyResponse {
    return proxyToService(this, service, port, path, query, request);
  }

  podLogs(
    pod: KubeObject,
    container: string | undefined,
    previous: boolean,
  ): string {
    return podLogs(this, pod, container, previous);
  }

  podMetrics(namespace: string, selector: LabelSelector): KubeObject[] {
    const out: KubeObject[] = [];
    const ts = this.clock.nowIso();
    for (const s of this.store.table(PODS).values(namespace)) {
      if (!selector.matches(s.labels)) continue;
      const life = this.kubelets.pods.get(s.key);
      if (
        !life ||
        (life.state.phase !== 'ready' && life.state.phase !== 'loading')
      )
        continue;
      out.push({
        kind: 'PodMetrics',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: {
          name: s.name,
          namespace: s.namespace,
          labels: { ...s.labels },
          creationTimestamp: ts,
        },
        timestamp: ts,
        window: '15.003s',
        containers: [
          {
            name: life.plan.container,
            usage: {
              cpu: `${this.metrics.cpuMillicores(life) * 1_000_000}n`,
              memory: `${Math.round(this.metrics.memoryBytes(life) / 1024)}Ki`,
            },
          },
        ],
      } as KubeObject);
    }
    return out;
  }

  nodeMetrics(selector: LabelSelector): KubeObject[] {
    const perNode = new Map<string, { cpu: number; mem: number }>();
    for (const life of this.kubelets.pods.values()) {
      const n = perNode.get(life.node) ?? { cpu: 0, mem: 0 };
      n.cpu += this.metrics.cpuMillicores(life);
      n.mem += this.metrics.memoryBytes(life);
      perNode.set(life.node, n);
    }
    const ts = this.clock.nowIso();
    const out: KubeObject[] = [];
    for (const s of this.store.table(NODES).values()) {
      if (!selector.matches(s.labels)) continue;
      const u = perNode.get(s.name) ?? { cpu: 0, mem: 0 };
      out.push({
        kind: 'NodeMetrics',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: {
          name: s.name,
          labels: { ...s.labels },
          creationTimestamp: ts,
        },
        timestamp: ts,
        window: '20.025s',
        usage: {
          cpu: `${(u.cpu + 180) * 1_000_000}n`,
          memory: `${Math.round((u.mem + 1.2 * 1024 ** 3) / 1024)}Ki`,
        },
      } as KubeObject);
    }
    return out;
  }

  /** A Status body for proxy errors. */
  proxyError(code: number, message: string): ProxyResponse {
    return {
      status: code,
      contentType: 'application/json',
      body: JSON.stringify(
        statusBody(
          code,
          code === 503 ? 'ServiceUnavailable' : 'NotFound',
          message,
        ),
      ),
    };
  }

  stop(): void {
    for (const c of this.controllers) c.stop();
    this.watches.dispose();
  }
}
