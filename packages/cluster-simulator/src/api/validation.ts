/*
 * The validation rules clients of GPU workloads actually trip over, answered
 * with the API server's 422 `Invalid` wording: names, selectors that do not
 * match their template, missing containers, extended resources (GPUs) that
 * must set limits equal to requests, and immutable fields.
 */
import { KubeObject } from '../store/storedObject';
import { compileLabelSelector } from './labelSelector';
import { isPlainObject, jsonEqual } from './listSemantics';
import { ResourceType } from './resources';
import { ApiError, invalid } from './status';

type Obj = Record<string, any>;
type Cause = { field: string; message: string; type?: string };

const SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NATIVE_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'pods',
  'storage',
]);

function goMap(m: Record<string, string> | undefined): string {
  const entries = Object.entries(m ?? {}).map(([k, v]) => `"${k}":"${v}"`);
  return `map[string]string{${entries.join(', ')}}`;
}

function validateName(r: ResourceType, name: string, causes: Cause[]): void {
  const dnsLabel = r.kind === 'Namespace' || r.kind === 'Service';
  const ok = dnsLabel
    ? LABEL.test(name) && name.length <= 63
    : SUBDOMAIN.test(name) && name.length <= 253;
  if (!ok) {
    causes.push({
      field: 'metadata.name',
      message: dnsLabel
        ? `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`
        : `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    });
  }
}

function validateContainers(
  spec: Obj | undefined,
  path: string,
  causes: Cause[],
): void {
  const containers = spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push({
      field: `${path}.containers`,
      message: 'Required value',
      type: 'FieldValueRequired',
    });
    return;
  }
  containers.forEach((c: Obj, i: number) => {
    const at = `${path}.containers[${i}]`;
    if (!c.name)
      causes.push({
        field: `${at}.name`,
        message: 'Required value',
        type: 'FieldValueRequired',
      });
    if (!c.image)
      causes.push({
        field: `${at}.image`,
        message: 'Required value',
        type: 'FieldValueRequired',
      });
    const requests = (c.resources?.requests ?? {}) as Obj;
    const limits = (c.resources?.limits ?? {}) as Obj;
    for (const [res, qty] of Object.entries(requests)) {
      if (NATIVE_RESOURCES.has(res) || res.startsWith('hugepages-')) continue;
      if (limits[res] === undefined) {
        causes.push({
          field: `${at}.resources.limits`,
          message:
            'Required value: Limit must be set for non overcommitable resources',
          type: 'FieldValueRequired',
        });
      } else if (String(limits[res]) !== String(qty)) {
        causes.push({
          field: `${at}.resources.requests`,
          message: `Invalid value: "${qty}": must be equal to ${res} limit of ${limits[res]}`,
        });
      }
    }
  });
}

function validateWorkload(o: Obj, causes: Cause[]): void {
  const spec = o.spec as Obj | undefined;
  if (!spec?.selector) {
    causes.push({
      field: 'spec.selector',
      message: 'Required value',
      type: 'FieldValueRequired',
    });
    return;
  }
  const labels = spec.template?.metadata?.labels as
    | Record<string, string>
    | undefined;
  if (!compileLabelSelector(spec.selector).matches(labels ?? {})) {
    causes.push({
      field: 'spec.template.metadata.labels',
      message: `Invalid value: ${goMap(
        labels,
      )}: \`selector\` does not match template \`labels\``,
    });
  }
  if (!isPlainObject(spec.template)) {
    causes.push({
      field: 'spec.template',
      message: 'Required value',
      type: 'FieldValueRequired',
    });
    return;
  }
  validateContainers((spec.template as Obj).spec, 'spec.template.spec', causes);
}

/** Validates an object about to be created or updated; throws a 422 `ApiError`. */
export function validateObject(
  r: ResourceType,
  obj: KubeObject,
  previous?: KubeObject,
): void {
  const o = obj as Obj;
  const causes: Cause[] = [];
  const name = obj.metadata?.name ?? '';
  validateName(r, name, causes);
  switch (r.kind) {
    case 'Pod':
      validateContainers(o.spec, 'spec', causes);
      break;
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
      validateWorkload(o, causes);
      if (
        previous &&
        !jsonEqual((previous as Obj).spec?.selector, o.spec?.selector)
      ) {
        causes.push({
          field: 'spec.selector',
          message: `Invalid value: ${JSON.stringify(
            o.spec?.selector,
          )}: field is immutable`,
        });
      }
      break;
    default:
      break;
  }
  if (causes.length > 0) throw invalid(r, name, causes);
}

/**
 * Pod updates may only change a few spec fields; everything else is
 * immutable once the pod exists.
 */
export function validatePodUpdate(
  r: ResourceType,
  previous: KubeObject,
  next: KubeObject,
): void {
  const strip = (o: KubeObject) => {
    const spec = JSON.parse(JSON.stringify((o as Obj).spec ?? {})) as Obj;
    for (const c of [
      ...(spec.containers ?? []),
      ...(spec.initContainers ?? []),
    ])
      delete c.image;
    delete spec.activeDeadlineSeconds;
    delete spec.tolerations;
    delete spec.terminationGracePeriodSeconds;
    if (!(previous as Obj).spec?.nodeName) delete spec.nodeName;
    return spec;
  };
  if (!jsonEqual(strip(previous), strip(next))) {
    throw invalid(r, next.metadata?.name ?? '', [
      {
        field: 'spec',
        type: 'FieldValueForbidden',
        message:
          'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      },
    ]);
  }
}

/** Re-export for callers that build their own 422s. */
export { ApiError };
