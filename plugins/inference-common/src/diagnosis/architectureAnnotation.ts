import { validateArchitecture } from '../catalog/models';
import { ModelArchitecture } from '../catalog/modelTypes';

/**
 * The architecture numbers a template recorded on a workload for a model outside the catalog
 * (`inference-platform.io/model-architecture`, JSON). Undefined when absent, not JSON, or not a valid
 * architecture: a broken annotation must not make up memory advice.
 *
 * @public
 */
export function architectureFromAnnotation(
  value: string | undefined,
): ModelArchitecture | undefined {
  if (!value) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return undefined;
  }
  const architecture = parsed as ModelArchitecture;
  try {
    return validateArchitecture(architecture).length === 0
      ? architecture
      : undefined;
  } catch {
    return undefined;
  }
}
