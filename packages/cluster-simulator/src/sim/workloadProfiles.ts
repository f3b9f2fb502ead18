/*
 * Per-workload simulation settings (load profile, failure mode, model load
 * time) live here, outside the objects the product reads, so the product
 * cannot "cheat" by reading them. Manifests applied from outside (kubectl,
 * the scaffolder) can opt in through `sim.inference-platform.io/*`
 * annotations on the pod template.
 */
import { FailureMode, LoadProfile } from '../scenario/schema';

/** Which vLLM metric names a pod exposes. @public */
export type MetricNames = 'both' | 'current' | 'legacy';

/** How one workload behaves in the simulation. @public */
export interface WorkloadProfile {
  load: LoadProfile;
  failure: FailureMode;
  modelLoadSeconds?: number;
  metricNames: MetricNames;
}

/** Annotation keys for manifests applied from outside a scenario. @public */
export const SIM_ANNOTATIONS = {
  failureMode: 'sim.inference-platform.io/failure-mode',
  loadRps: 'sim.inference-platform.io/load-rps',
  load: 'sim.inference-platform.io/load',
  modelLoadSeconds: 'sim.inference-platform.io/model-load-seconds',
  metricNames: 'sim.inference-platform.io/metric-names',
} as const;

const DEFAULT_PROFILE: WorkloadProfile = {
  load: { profile: 'constant', rps: 0.5 },
  failure: 'auto',
  metricNames: 'both',
};

/** Workload profiles of one cluster, keyed by namespace and top-level workload name. */
export class WorkloadProfiles {
  private readonly byKey = new Map<string, WorkloadProfile>();

  set(namespace: string, name: string, profile: WorkloadProfile): void {
    this.byKey.set(`${namespace}/${name}`, profile);
  }

  get(namespace: string, name: string): WorkloadProfile | undefined {
    return this.byKey.get(`${namespace}/${name}`);
  }

  /** Overrides part of a workload's profile at runtime (library API). */
  update(
    namespace: string,
    name: string,
    change: Partial<WorkloadProfile>,
  ): void {
    const cur = this.byKey.get(`${namespace}/${name}`) ?? {
      ...DEFAULT_PROFILE,
    };
    this.byKey.set(`${namespace}/${name}`, { ...cur, ...change });
  }

  /** The scenario profile, else one read from annotations, else the default. */
  resolve(
    namespace: string,
    name: string,
    annotations: Record<string, string> | undefined,
  ): WorkloadProfile {
    const known = this.byKey.get(`${namespace}/${name}`);
    if (known) return known;
    const a = annotations ?? {};
    let load: LoadProfile = DEFAULT_PROFILE.load;
    if (a[SIM_ANNOTATIONS.load]) {
      try {
        load = JSON.parse(a[SIM_ANNOTATIONS.load]) as LoadProfile;
      } catch {
        // keep the default for an unreadable annotation
      }
    } else if (a[SIM_ANNOTATIONS.loadRps]) {
      load = {
        profile: 'constant',
        rps: Number(a[SIM_ANNOTATIONS.loadRps]) || 0,
      };
    }
    const profile: WorkloadProfile = {
      load,
      failure:
        (a[SIM_ANNOTATIONS.failureMode] as FailureMode) ??
        DEFAULT_PROFILE.failure,
      modelLoadSeconds: a[SIM_ANNOTATIONS.modelLoadSeconds]
        ? Number(a[SIM_ANNOTATIONS.modelLoadSeconds])
        : undefined,
      metricNames:
        (a[SIM_ANNOTATIONS.metricNames] as MetricNames) ??
        DEFAULT_PROFILE.metricNames,
    };
    this.byKey.set(`${namespace}/${name}`, profile);
    return profile;
  }
}

/** Requests per second a load profile asks for at a simulated time. */
export function rpsAt(load: LoadProfile, timeMs: number): number {
  switch (load.profile) {
    case 'constant':
    case 'idle':
      return load.rps;
    case 'diurnal': {
      const hour = (timeMs / 3_600_000) % 24;
      const phase = ((hour - load.peakHourUtc) / 24) * 2 * Math.PI;
      const mid = (load.peakRps + load.troughRps) / 2;
      const amp = (load.peakRps - load.troughRps) / 2;
      return Math.max(0, mid + amp * Math.cos(phase));
    }
    case 'spike': {
      const minute = (timeMs / 60_000) % load.everyMinutes;
      return minute < load.spikeMinutes ? load.spikeRps : load.baseRps;
    }
    default:
      return 0;
  }
}
