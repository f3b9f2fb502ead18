/*
 * What the HTTP layer needs from a simulated cluster. Keeping this an
 * interface lets the protocol layer be tested without the simulation.
 */
import { ClusterApi } from '../api/clusterApi';
import type { ClusterAuth } from '../auth/clusterAuth';
import { DependentsLookup } from '../api/deletion';
import { LabelSelector } from '../api/labelSelector';
import { FaultState } from '../faults/faults';
import { ClusterStore } from '../store/clusterStore';
import { KubeObject } from '../store/storedObject';
import { WatchHub } from './watchHub';

/** A plain HTTP answer from a simulated pod. @public */
export interface ProxyResponse {
  status: number;
  contentType: string;
  body: string;
  /** seconds of simulated time before the response headers leave the pod (inference requests) */
  headersAfterSeconds?: number;
}

/** Credentials a cluster accepts. @public */
export interface ClusterTokens {
  /** full access */
  admin: string;
  /** read-only access: the `simulator:read-only` ClusterRole (reads, and proxies for scrapes) */
  readOnly?: string;
}

/**
 * Requests an API server received: watches, pod/service proxy calls (metrics scrapes), health and version probes,
 * and all others (lists, gets, writes, discovery). @public
 */
export interface RequestCounts {
  watch: number;
  proxy: number;
  probe: number;
  other: number;
}

/** The parts of a cluster the API server front end uses. @public */
export interface ServedCluster {
  readonly name: string;
  readonly tokens: ClusterTokens;
  /** authentication (tokens) and RBAC authorization */
  readonly auth: ClusterAuth;
  readonly kubernetesVersion: string;
  readonly api: ClusterApi;
  readonly store: ClusterStore;
  readonly watches: WatchHub;
  readonly faults: FaultState;
  readonly dependents: DependentsLookup;
  /** requests received, for benchmarks (counted before faults and authentication) */
  readonly requestCounts?: RequestCounts;
  /** simulated time, epoch ms */
  now(): number;
  /** answers an HTTP request to a pod port through `pods/proxy` */
  proxyToPod(
    pod: KubeObject,
    port: string | undefined,
    path: string,
    query: URLSearchParams,
  ): ProxyResponse;
  /** answers an HTTP request sent through `services/proxy` (optional: clusters without Service routing use the pod proxy) */
  proxyToService?(
    service: KubeObject,
    port: string | undefined,
    path: string,
    query: URLSearchParams,
    request: { method: string; body: string },
  ): ProxyResponse;
  /** container log text for `pods/log` */
  podLogs(
    pod: KubeObject,
    container: string | undefined,
    previous: boolean,
  ): string;
  /** metrics.k8s.io PodMetrics of running pods */
  podMetrics(namespace: string, selector: LabelSelector): KubeObject[];
  /** metrics.k8s.io NodeMetrics */
  nodeMetrics(selector: LabelSelector): KubeObject[];
}
