import * as keda from '@kubernetes-models/keda/keda.sh/v1alpha1';
import * as monitoring from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as core from 'kubernetes-models/v1';
import { validateExtraKinds } from './extraKinds';

type ModelClass = {
  new (data: any): { validate(): void };
  apiVersion?: string;
  kind?: string;
};

/** Every top-level kind the generated manifests may contain, by `apiVersion/kind`. */
const MODELS = new Map<string, ModelClass>();
for (const module of [
  core,
  apps,
  autoscaling,
  batch,
  networking,
  policy,
  keda,
  monitoring,
]) {
  for (const value of Object.values(module) as ModelClass[]) {
    if (
      typeof value === 'function' &&
      value.apiVersion &&
      value.kind &&
      !value.kind.endsWith('List')
    ) {
      MODELS.set(`${value.apiVersion}/${value.kind}`, value);
    }
  }
}

/** One schema problem, with the JSON path of the field. */
export interface SchemaProblem {
  path: string;
  message: string;
}

/**
 * Validates a manifest against the OpenAPI schema of its kind (kubernetes-models and its KEDA and prometheus-operator
 * packages; Karpenter NodePool, KServe and LeaderWorkerSet through their CRD fields, see extraKinds.ts).
 */
export function validateManifestSchema(
  doc: Record<string, any>,
): SchemaProblem[] {
  const key = `${doc.apiVersion}/${doc.kind}`;
  const Model = MODELS.get(key);
  if (!Model) {
    const extra = validateExtraKinds(doc);
    if (extra) return extra;
    return [
      {
        path: 'kind',
        message: `${key} is not a kind the platform knows how to validate`,
      },
    ];
  }
  try {
    new Model(doc).validate();
    return [];
  } catch (error: any) {
    // ajv errors from kubernetes-models: "data/spec must have required property selector, data/… must be …"
    const text: string = error?.message ?? String(error);
    return text.split(/,\s(?=data)/).map(part => {
      const match = /^data(\/\S*)?\s+(.*)$/.exec(part.trim());
      return match
        ? {
            path:
              (match[1] ?? '').replace(/^\//, '').replace(/\//g, '.') ||
              '(root)',
            message: match[2],
          }
        : { path: '(root)', message: part.trim() };
    });
  }
}
