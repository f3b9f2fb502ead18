/*
 * A read-only OCI distribution endpoint on the control port: the simulated fleet's registry mirror. Every
 * `<repository>:<tag>` it is asked for resolves to a small image manifest generated from its name, and the digest it
 * reports is the sha256 of exactly the bytes it serves, as a real registry's is. Lets the demo pin images by digest
 * without reaching the internet; tests of a real registry use Debian's docker-registry instead.
 */
import { createHash } from 'crypto';
import http from 'http';

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';

// manifests served by tag, so a later pull by digest finds them (as in a real registry)
const byDigest = new Map<string, string>();

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** The manifest the mirror serves for a repository and tag (deterministic). */
export function mirrorManifest(repository: string, tag: string): string {
  const config = sha256(`config ${repository}:${tag}`);
  const layer = sha256(`layer ${repository}:${tag}`);
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: config,
      size: 1024,
    },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: layer,
        size: 104857600,
      },
    ],
    annotations: {
      'org.opencontainers.image.ref.name': tag,
      'sim.inference-platform.io/repository': repository,
    },
  });
}

/** Handles `/v2/...` requests; returns false for other paths. */
export function handleRegistryRequest(
  method: string,
  parts: string[],
  res: http.ServerResponse,
): boolean {
  if (parts[0] !== 'v2') return false;
  if (parts.length === 1) {
    res.writeHead(200, {
      'Docker-Distribution-API-Version': 'registry/2.0',
      'Content-Type': 'application/json',
    });
    res.end('{}');
    return true;
  }
  const manifests = parts.lastIndexOf('manifests');
  if (
    manifests < 2 ||
    manifests !== parts.length - 2 ||
    (method !== 'GET' && method !== 'HEAD')
  ) {
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        errors: [
          {
            code: 'NAME_UNKNOWN',
            message: 'repository name not known to registry',
          },
        ],
      }),
    );
    return true;
  }
  const repository = parts.slice(1, manifests).join('/');
  const reference = parts[manifests + 1];
  const body = reference.startsWith('sha256:')
    ? byDigest.get(`${repository}@${reference}`)
    : mirrorManifest(repository, reference);
  if (body === undefined) {
    // by-digest pulls only find manifests the mirror has served
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }],
      }),
    );
    return true;
  }
  const digest = sha256(body);
  byDigest.set(`${repository}@${digest}`, body);
  res.writeHead(200, {
    'Content-Type': MANIFEST_TYPE,
    'Content-Length': Buffer.byteLength(body),
    'Docker-Content-Digest': digest,
    'Docker-Distribution-API-Version': 'registry/2.0',
  });
  res.end(method === 'HEAD' ? undefined : body);
  return true;
}
