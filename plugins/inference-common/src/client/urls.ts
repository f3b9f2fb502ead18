// The backend rejects reserved characters in a path segment or query value unless encoded: owner refs contain ':'
// and '/', which encodeURIComponent and URLSearchParams both encode.

/** `?a=1&b=2` of the values that are set (undefined and empty values are left out), or '' when none is. */
export function queryString(
  params: Record<string, string | undefined>,
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Path of the quota line of one owner and GPU type. */
export function quotaPath(owner: string, gpuType: string): string {
  return `/quotas/${encodeURIComponent(owner)}/${encodeURIComponent(gpuType)}`;
}

/** Path of one entity's summary; the catalog compares kind, namespace and name without case. */
export function entitySummaryPath(entity: {
  kind: string;
  namespace: string;
  name: string;
}): string {
  const path = [entity.kind, entity.namespace, entity.name]
    .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
    .join('/');
  return `/entities/${path}/summary`;
}
