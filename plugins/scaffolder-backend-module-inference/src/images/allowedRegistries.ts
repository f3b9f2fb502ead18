/**
 * Whether an image repository (registry host and path, e.g. `docker.io/vllm/vllm-openai`) lies inside one of the
 * allowed registries (a host with an optional path prefix, e.g. `docker.io/vllm`), on a path-segment boundary:
 * `docker.io/vllm` allows `docker.io/vllm/vllm-openai` but neither `docker.io/vllm-evil/x` nor
 * `docker.io.evil.example/x`. An empty list allows every repository (`inference.images.allowedRegistries` unset).
 * Hosts and paths compare case-insensitively; a reference with `:tag` or `@digest` works too.
 */
export function isAllowedRepository(
  repository: string,
  allowedRegistries: readonly string[],
): boolean {
  if (allowedRegistries.length === 0) return true;
  const candidate = repository.toLowerCase();
  return allowedRegistries.some(entry => {
    const prefix = entry.trim().replace(/\/+$/, '').toLowerCase();
    return (
      prefix !== '' &&
      (candidate === prefix || candidate.startsWith(`${prefix}/`))
    );
  });
}
