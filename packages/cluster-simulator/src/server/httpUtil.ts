/*
 * HTTP plumbing: request bodies (JSON or YAML), content negotiation and
 * responses in the API server's encodings.
 */
import { IncomingMessage, ServerResponse } from 'http';
import YAML from 'yaml';
import { ApiError, StatusBody, badRequest, statusBody } from '../api/status';

const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the request body as a Buffer (bounded like the API server's request limit). */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new ApiError(
            413,
            'RequestEntityTooLarge',
            'Request entity too large: limit is 3145728',
          ),
        );
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses a body as JSON, or as YAML for YAML content types. */
export function parseBody(raw: Buffer, contentType: string): unknown {
  const text = raw.toString('utf8');
  if (!text.trim()) return undefined;
  if (/yaml/.test(contentType)) {
    try {
      return YAML.parse(text);
    } catch (e) {
      throw badRequest(`error decoding YAML: ${(e as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    // the apply content type is YAML, and JSON is YAML, but plain JSON bodies must parse as JSON
    throw badRequest(`error decoding from json: ${(e as Error).message}`);
  }
}

/** How the client wants the response encoded. @public */
export interface Negotiated {
  table: boolean;
  tableVersion: 'v1' | 'v1beta1';
  yaml: boolean;
}

/** Reads the Accept header. Throws 406 when only protobuf is acceptable. */
export function negotiate(accept: string | undefined): Negotiated {
  const a = accept ?? '';
  const table = /as=Table/.test(a);
  const tableVersion =
    table && !/as=Table;v=v1;/.test(`${a};`) && /v1beta1/.test(a)
      ? 'v1beta1'
      : 'v1';
  const yaml = /application\/yaml/.test(a) && !/application\/json/.test(a);
  if (a && /protobuf/.test(a) && !/json|yaml|\*\/\*/.test(a)) {
    throw new ApiError(
      406,
      'NotAcceptable',
      `only the following media types are accepted: application/json, application/yaml`,
    );
  }
  return { table, tableVersion, yaml };
}

/** Sends a JSON (or YAML) response from an already serialized JSON string. */
export function sendJsonText(
  res: ServerResponse,
  status: number,
  json: string,
  yaml = false,
): void {
  if (res.headersSent) return;
  const body = yaml ? YAML.stringify(JSON.parse(json)) : json;
  res.writeHead(status, {
    'Content-Type': yaml ? 'application/yaml' : 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-cache, private',
  });
  res.end(body);
}

/**
 * Streams a JSON document given in chunks, honouring socket back-pressure, so
 * large lists neither build one huge string nor buffer unboundedly.
 */
export async function streamJson(
  res: ServerResponse,
  status: number,
  chunks: Iterable<string>,
): Promise<void> {
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
  });
  for (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) {
      await new Promise<void>(resolve => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  res.end();
}

/** Sends a JSON response for a value. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  yaml = false,
): void {
  sendJsonText(res, status, JSON.stringify(value), yaml);
}

/** Sends an error as a `Status`. */
export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  let status: StatusBody;
  let headers: Record<string, string> = {};
  if (err instanceof ApiError) {
    status = err.toStatus();
    headers = err.headers;
  } else {
    status = statusBody(
      500,
      'InternalError',
      `Internal error occurred: ${(err as Error)?.message ?? String(err)}`,
    );
  }
  const body = JSON.stringify(status);
  res.writeHead(status.code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}
