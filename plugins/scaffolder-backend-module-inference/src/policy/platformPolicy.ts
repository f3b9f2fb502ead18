import {
  checkPodSecurity,
  isPinnedImageReference,
  PodSecurityLevel,
  podTemplatesOf,
} from '@inference-platform/plugin-inference-common';
import type { IContainer, IPodSpec, IToleration } from 'kubernetes-models/v1';
import { isAllowedRepository } from '../images/allowedRegistries';

/**
 * The platform's rules for GPU workload manifests, checked before anything is published or applied.
 * Pure functions over parsed YAML documents.
 */

/**
 * One platform rule a rendered manifest breaks, located precisely enough to fix without searching (not to be
 * confused with common's `PolicyViolation`, a running workload the platform page flags).
 */
export interface ManifestViolation {
  file: string;
  /** Index of the YAML document inside the file. */
  document: number;
  kind: string;
  name: string;
  /** Dotted path to the offending field, e.g. `spec.template.spec.containers[0].image`. */
  path: string;
  rule: ManifestRule;
  message: string;
}

/** Names of the platform's manifest rules. */
export type ManifestRule =
  | 'image-pinned-by-digest'
  | 'image-registry-allowed'
  | 'gpu-requests-equal-limits'
  | 'gpu-toleration'
  | 'gpu-product-selector'
  | 'probes'
  | 'no-privileged'
  | 'pod-security'
  | 'entity-label'
  | 'valid-yaml'
  | 'schema'
  | 'autoscaler-metric-type'
  | 'autoscaler-scoped-query'
  | 'replicas-beside-autoscaler'
  | 'volume-storage-class';

/** Options of {@link checkPlatformPolicy}. */
export interface ManifestPolicyOptions {
  /** Registries images may come from (host names, optionally with a path prefix). Empty or absent: any. */
  allowedRegistries?: string[];
  /** Value the `backstage.io/kubernetes-id` label must carry; any non-empty value when absent. */
  kubernetesId?: string;
  /** Pod Security Standards level every pod spec must meet (default restricted). */
  podSecurity?: PodSecurityLevel;
}

type Json = Record<string, unknown>;
/** A parsed manifest that has a kind, the fields the rules read typed; shapes are still checked where read. */
type Manifest = Json & {
  kind: string;
  metadata?: { name?: string; labels?: Record<string, string> };
};

const GPU_RESOURCE = /^nvidia\.com\/(gpu|mig-.+)$/;
const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';
const GPU_PRODUCT_LABEL = 'nvidia.com/gpu.product';

/**
 * Checks one Kubernetes manifest against the platform policy. Documents that are not workloads pass.
 */
export function checkPlatformPolicy(
  doc: unknown,
  location: { file: string; document: number },
  options: ManifestPolicyOptions = {},
): ManifestViolation[] {
  if (!isManifest(doc)) return [];
  // every kind that makes pods, bare Pods, CronJobs and ReplicaSets included
  const templates = podTemplatesOf(doc);
  if (templates.length === 0) return [];

  const violations: ManifestViolation[] = [];
  const report = (path: string, rule: ManifestRule, message: string) =>
    violations.push({
      ...location,
      kind: doc.kind,
      name: String(doc.metadata?.name ?? '<unnamed>'),
      path,
      rule,
      message,
    });

  checkEntityLabel(doc.metadata, 'metadata', options, report);
  for (const template of templates) {
    if (doc.kind !== 'Pod') {
      const base = template.path.replace(/\.spec$/, '');
      checkEntityLabel(
        { labels: template.labels },
        `${base}.metadata`,
        options,
        report,
      );
    }
    checkPodSpec(template.spec, template.path, options, report);
    for (const violation of checkPodSecurity(
      template.spec,
      options.podSecurity ?? 'restricted',
      template.path,
    )) {
      report(
        violation.path,
        'pod-security',
        `Pod Security "${options.podSecurity ?? 'restricted'}": ${
          violation.message
        }`,
      );
    }
  }
  return violations;
}

type Reporter = (path: string, rule: ManifestRule, message: string) => void;

function checkEntityLabel(
  metadata: unknown,
  path: string,
  options: ManifestPolicyOptions,
  report: Reporter,
) {
  const labels = isObject(metadata) ? metadata.labels : undefined;
  const value = isObject(labels) ? labels[KUBERNETES_ID_LABEL] : undefined;
  if (!value) {
    report(
      `${path}.labels`,
      'entity-label',
      `label ${KUBERNETES_ID_LABEL} is missing: the catalog cannot link this workload to its entity`,
    );
  } else if (options.kubernetesId && value !== options.kubernetesId) {
    report(
      `${path}.labels.${KUBERNETES_ID_LABEL}`,
      'entity-label',
      `label ${KUBERNETES_ID_LABEL} is "${value}" but the entity's is "${options.kubernetesId}"`,
    );
  }
}

function checkPodSpec(
  spec: IPodSpec,
  path: string,
  options: ManifestPolicyOptions,
  report: Reporter,
) {
  let usesGpu = false;
  const containerLists: Array<[string, IContainer[] | undefined]> = [
    ['initContainers', spec.initContainers],
    ['containers', spec.containers],
  ];
  for (const [listName, list] of containerLists) {
    if (!Array.isArray(list)) continue;
    for (const [index, container] of list.entries()) {
      const at = `${path}.${listName}[${index}]`;
      const isMain = listName === 'containers';
      if (checkContainer(container, at, isMain, options, report)) {
        usesGpu = true;
      }
    }
  }
  if (!usesGpu) return;

  const tolerations: IToleration[] = Array.isArray(spec.tolerations)
    ? spec.tolerations
    : [];
  const tolerated = tolerations.some(
    t =>
      isObject(t) &&
      t.key === 'nvidia.com/gpu' &&
      (t.operator === 'Exists' || t.value !== undefined),
  );
  if (!tolerated) {
    report(
      `${path}.tolerations`,
      'gpu-toleration',
      'GPU pods need a toleration for the nvidia.com/gpu taint, or they never schedule on GPU nodes',
    );
  }
  if (!selectsGpuProduct(spec)) {
    report(
      `${path}.nodeSelector`,
      'gpu-product-selector',
      `GPU pods must select their GPU type with nodeSelector or node affinity on ${GPU_PRODUCT_LABEL}`,
    );
  }
}

/** Returns whether the container asks for a GPU. */
function checkContainer(
  container: IContainer,
  path: string,
  isMain: boolean,
  options: ManifestPolicyOptions,
  report: Reporter,
): boolean {
  const image = container.image;
  if (typeof image !== 'string' || !isPinnedImageReference(image)) {
    report(
      `${path}.image`,
      'image-pinned-by-digest',
      `image "${
        image ?? ''
      }" is not pinned by digest (repository@sha256:<64 hex>)`,
    );
  }
  if (
    typeof image === 'string' &&
    options.allowedRegistries?.length &&
    !isAllowedRepository(image, options.allowedRegistries)
  ) {
    report(
      `${path}.image`,
      'image-registry-allowed',
      `image "${image}" is not from an allowed registry (${options.allowedRegistries.join(
        ', ',
      )})`,
    );
  }
  if (container.securityContext?.privileged === true) {
    report(
      `${path}.securityContext.privileged`,
      'no-privileged',
      'privileged containers are not allowed',
    );
  }

  const limits: Record<string, string | number> =
    container.resources?.limits ?? {};
  const requests: Record<string, string | number> =
    container.resources?.requests ?? {};
  const gpuKeys = new Set(
    [...Object.keys(limits), ...Object.keys(requests)].filter(k =>
      GPU_RESOURCE.test(k),
    ),
  );
  for (const key of gpuKeys) {
    if (
      String(limits[key] ?? '') !== String(requests[key] ?? limits[key] ?? '')
    ) {
      report(
        `${path}.resources`,
        'gpu-requests-equal-limits',
        `${key} request (${requests[key] ?? 'none'}) must equal its limit (${
          limits[key] ?? 'none'
        })`,
      );
    } else if (limits[key] === undefined) {
      report(
        `${path}.resources.limits`,
        'gpu-requests-equal-limits',
        `${key} is requested but has no limit; GPUs are only allocated through limits`,
      );
    }
  }

  if (isMain) {
    for (const probe of [
      'readinessProbe',
      'livenessProbe',
      'startupProbe',
    ] as const) {
      if (!isObject(container[probe])) {
        report(
          `${path}.${probe}`,
          'probes',
          `${probe} is missing: model servers need ${
            probe === 'startupProbe'
              ? 'a startup probe sized for model load time'
              : 'it to be routed and restarted correctly'
          }`,
        );
      }
    }
  }
  return gpuKeys.size > 0;
}

function selectsGpuProduct(spec: IPodSpec): boolean {
  if (spec.nodeSelector?.[GPU_PRODUCT_LABEL]) return true;
  const terms =
    spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
      ?.nodeSelectorTerms ?? [];
  return terms.some(term =>
    (term.matchExpressions ?? []).some(e => e.key === GPU_PRODUCT_LABEL),
  );
}

function isManifest(value: unknown): value is Manifest {
  return isObject(value) && typeof value.kind === 'string';
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
