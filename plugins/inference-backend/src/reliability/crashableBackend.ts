/*
 * One inference backend process, as far as its database is concerned: every simulated minute it samples GPU usage
 * (the real UsageSampler and stores), answers one reservation request and runs the ledger janitor, reporting each step
 * to its parent over IPC. The restart-safety test forks it (node -r @backstage/cli/config/nodeTransform.cjs), SIGKILLs
 * it in the middle and forks a new one on the same database. Not a test itself.
 * Workloads are not charged to the quota here (live usage 0): the ledger alone decides.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { InferenceWorkload } from '@inference-platform/plugin-inference-common';
import knexFactory, { Knex } from 'knex';
import { DatabaseInferenceStore } from '../database/DatabaseInferenceStore';
import { MetricsSource, WorkloadInterval } from '../metrics/MetricsSource';
import { UsageSampler } from '../metrics/UsageSampler';
import { settleReservations } from '../quota/ledgerJanitor';
import { WorkloadModel } from '../workloads/WorkloadModel';

/** What the parent asks a backend process to do. */
export interface CrashableBackendConfig {
  db: Knex.Config;
  generation: number;
  /** Simulated minutes to run, `from` inclusive. */
  from: number;
  to: number;
  /** Requests a previous process took but never answered: their clients send them again first. */
  retries: number[];
  /**
   * Freeze from this minute on, at the first COMMIT of sampling or of a granted reservation (the transaction open, its
   * writes done), or right after a granted reservation committed but before it is answered, until the parent kills
   * the process.
   */
  stall?: { phase: 'sample' | 'reserve' | 'answer'; minute: number };
  /** After the last minute, run the janitor at this minute (everything left pending has expired by then). */
  settleAt?: number;
  /**
   * Before each minute and each reservation, report `ready` and wait for the parent's go: backends in lockstep share
   * one clock and send their requests at the same moment.
   */
  lockstep?: boolean;
}

/** Messages to the parent. */
export type CrashableBackendEvent =
  | { type: 'minute'; minute: number }
  | { type: 'sampled'; minute: number; samples: number; inserted: number }
  | {
      type: 'answered';
      request: number;
      id?: string;
      replayed?: boolean;
      refused?: boolean;
    }
  | { type: 'settled'; minute: number; confirmed: number; expired: number }
  | { type: 'stalled'; phase: string; minute: number }
  | { type: 'ready'; step: number }
  | { type: 'finished' }
  | { type: 'failed'; error: string };

/** The one client whose requests every backend process answers. */
export const CLIENT = 'user:default/retrying-client';
/** Entity ref of the reservations a backend generation committed (the test reads it back). */
export const committedBy = (generation: number) =>
  `component:default/backend-gen${generation}`;
export const WORKLOADS = 120;
export const GPUS_PER_WORKLOAD = 2;
export const QUOTA_LIMIT = 4;
export const TTL_MINUTES = 3;
export const OWNER = 'group:default/ml-chat';
export const GPU_TYPE = 'NVIDIA-H100-80GB-HBM3';
/** Sampling interval 0 starts here; it runs across midnight UTC, so the roll-up spans two days. */
export const T0 = Date.UTC(2026, 2, 1, 23, 50, 0);
const MINUTE_MS = 60_000;

/** The time at which minute `m` is worked on: 30 s into the interval after interval `m`, which the sampler closes. */
export const timeOf = (minute: number) =>
  new Date(T0 + (minute + 1) * MINUTE_MS + 30_000);
/** The minute whose work happened at `time` (the inverse of {@link timeOf}). */
export const minuteAt = (time: Date) =>
  Math.round((time.getTime() - T0 - 90_000) / MINUTE_MS);
export const requestKey = (request: number) => `request-${request}`;
/** The workload of every third request starts one minute after its reservation was made. */
export const startsWorkload = (request: number) => request % 3 === 0;

const silent: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silent;
  },
};

function workloads(): InferenceWorkload[] {
  return Array.from({ length: WORKLOADS }, (_, i) => {
    const name = `llm-${i}`;
    return {
      id: `gpu-east/serving/Deployment/${name}`,
      cluster: 'gpu-east',
      namespace: 'serving',
      kind: 'Deployment',
      name,
      entityRef: `component:default/${name}`,
      owner: OWNER,
      imageDigestPinned: true,
      gpuType: GPU_TYPE,
      gpusPerReplica: GPUS_PER_WORKLOAD,
      replicas: { desired: 1, ready: 1 },
      quotaCharge: GPUS_PER_WORKLOAD,
      pods: [
        {
          name: `${name}-0`,
          namespace: 'serving',
          phase: 'Running',
          ready: true,
          restarts: 0,
          nodeName: 'node-1',
          gpuType: GPU_TYPE,
          gpus: GPUS_PER_WORKLOAD,
          containers: [],
        },
      ],
      findings: [],
      updatedAt: new Date(T0).toISOString(),
    };
  });
}

const steadySource: MetricsSource = {
  name: 'steady',
  async collect(list) {
    const interval: WorkloadInterval = {
      metrics: { requestsPerSecond: 1, gpuUtilization: 0.5 },
      requests: 60,
      promptTokens: 6000,
      generationTokens: 12000,
      gpuUtilization: 0.5,
    };
    return new Map(list.map(w => [w.id, interval]));
  },
};

function send(event: CrashableBackendEvent) {
  process.send!(event);
}

async function run(config: CrashableBackendConfig) {
  const knex = knexFactory(config.db);
  // a restarted backend migrates (a no-op) and recovers whatever the killed one left, like a real start
  const store = await DatabaseInferenceStore.create({
    database: { getClient: async () => knex },
  });
  let minute = config.from;
  let phase: 'idle' | 'sample' | 'reserve' | 'janitor' = 'idle';
  let frozen = false;
  const freeze = (at: string) => {
    const { stall } = config;
    if (frozen || stall?.phase !== at || minute < stall.minute) return;
    frozen = true;
    send({ type: 'stalled', phase: at, minute });
    // a backend stuck where it is (GC pause, stuck disk) until the OOM killer or the kubelet ends it
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000);
  };
  knex.on('query', ({ sql }: { sql: string }) => {
    if (/^commit/i.test(sql)) freeze(phase);
  });

  let now = timeOf(config.from);
  const sampler = new UsageSampler({
    workloads,
    store,
    source: steadySource,
    logger: silent,
    intervalSeconds: 60,
    now: () => now,
  });
  const reserve = async (request: number) => {
    try {
      const { reservation, replayed } = await store.quotas.reserve(
        {
          ownerRef: OWNER,
          gpuType: GPU_TYPE,
          gpuCount: 1 + (request % 2),
          ttlSeconds: TTL_MINUTES * 60,
          // one client sends every request and retries it on whichever backend answers: idempotency keys are
          // scoped per requester; the backend that committed the reservation is named by its entity ref
          requester: CLIENT,
          entityRef: committedBy(config.generation),
          idempotencyKey: requestKey(request),
        },
        () => 0,
        now,
      );
      if (phase === 'reserve') freeze('answer');
      send({ type: 'answered', request, id: reservation.id, replayed });
    } catch (error) {
      if ((error as Error).name !== 'ConflictError') throw error;
      send({ type: 'answered', request, refused: true });
    }
  };
  const settle = async () => {
    // the cluster: the workload of a reservation made for a request that starts one appears a minute later
    const pending = await store.quotas.listReservations({
      status: ['pending'],
    });
    const observed = pending
      .map(r => ({ r, request: Number(r.idempotencyKey!.split('-')[1]) }))
      .filter(({ r, request }) => startsWorkload(request) && r.createdAt < now)
      .map(({ r, request }) => ({
        cluster: 'gpu-east',
        namespace: 'serving',
        kind: 'Deployment',
        name: `svc-${request}`,
        reservationId: r.id,
      }));
    const tracker = {
      observedReservations: () => observed,
      workloads: () => [],
    } as unknown as WorkloadModel;
    return settleReservations({ store, tracker, logger: silent, now });
  };

  let step = 0;
  const barrier = async () => {
    if (!config.lockstep) return;
    send({ type: 'ready', step: step++ });
    await new Promise(resolve => process.once('message', resolve));
  };

  for (const request of config.retries) await reserve(request);
  for (; minute < config.to; minute++) {
    await barrier();
    now = timeOf(minute);
    send({ type: 'minute', minute });
    phase = 'sample';
    const sampled = await sampler.run();
    send({ type: 'sampled', minute, ...sampled });
    phase = 'reserve';
    await barrier();
    await reserve(minute);
    phase = 'janitor';
    send({ type: 'settled', minute, ...(await settle()) });
    phase = 'idle';
  }
  if (config.settleAt !== undefined) {
    await barrier();
    now = timeOf(config.settleAt);
    send({ type: 'settled', minute: config.settleAt, ...(await settle()) });
  }
  await knex.destroy();
}

process.once('message', (config: CrashableBackendConfig) => {
  run(config).then(
    () => {
      send({ type: 'finished' });
      process.disconnect();
    },
    error => {
      // exit even though the pool may still hold connections
      const event: CrashableBackendEvent = {
        type: 'failed',
        error: `${error?.code ?? ''} ${error?.stack ?? error}`.slice(0, 3000),
      };
      process.send!(event, () => process.exit(1));
    },
  );
});
