/*
 * Errors as the API server reports them: a `Status` object with an HTTP code,
 * a machine-readable reason and details naming the resource.
 */
import { ResourceType, qualifiedResource } from './resources';

/** A cause inside `Status.details.causes`. @public */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
  type?: string;
}

/** The body of every error response, as `metav1.Status`. @public */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** An error that the HTTP layer turns into a `Status` response. @public */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details?: StatusBody['details'];
  readonly headers: Record<string, string>;

  constructor(
    code: number,
    reason: string,
    message: string,
    details?: StatusBody['details'],
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
    this.headers = headers;
  }

  /** The `Status` object sent to the client. */
  toStatus(): StatusBody {
    return statusBody(this.code, this.reason, this.message, this.details);
  }
}

/** Builds a failure `Status` body. */
export function statusBody(
  code: number,
  reason: string,
  message: string,
  details?: StatusBody['details'],
): StatusBody {
  const body: StatusBody = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details) {
    body.details = details;
  }
  return body;
}

function detailsFor(r: ResourceType, name?: string): StatusBody['details'] {
  const d: StatusBody['details'] = {};
  if (name !== undefined) d.name = name;
  if (r.group) d.group = r.group;
  d.kind = r.plural;
  return d;
}

/** 404 for a named object, worded like the API server. */
export function notFound(r: ResourceType, name: string): ApiError {
  return new ApiError(
    404,
    'NotFound',
    `${qualifiedResource(r)} "${name}" not found`,
    detailsFor(r, name),
  );
}

/** 404 for a path the server does not serve. */
export function resourceNotFound(): ApiError {
  return new ApiError(
    404,
    'NotFound',
    'the server could not find the requested resource',
    {},
  );
}

/** 409 when creating an object whose name is taken. */
export function alreadyExists(r: ResourceType, name: string): ApiError {
  return new ApiError(
    409,
    'AlreadyExists',
    `${qualifiedResource(r)} "${name}" already exists`,
    detailsFor(r, name),
  );
}

/** 409 on a stale resourceVersion (optimistic concurrency). */
export function conflict(r: ResourceType, name: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(
      r,
    )} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    detailsFor(r, name),
  );
}

/** 400 for a malformed request. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 422 for an object that fails validation, with one cause per field. */
export function invalid(
  r: ResourceType,
  name: string,
  causes: Array<{ field: string; message: string; type?: string }>,
): ApiError {
  const summary = causes.map(c => `${c.field}: ${c.message}`).join(', ');
  return new ApiError(
    422,
    'Invalid',
    `${r.kind}${r.group ? `.${r.group}` : ''} "${name}" is invalid: ${
      causes.length > 1 ? `[${summary}]` : summary
    }`,
    {
      ...detailsFor(r, name),
      kind: r.kind,
      causes: causes.map(c => ({
        reason: c.type ?? 'FieldValueInvalid',
        message: c.message,
        field: c.field,
      })),
    },
  );
}

/** 403 for a request the caller may not make. */
export function forbidden(
  r: ResourceType,
  name: string,
  message: string,
): ApiError {
  return new ApiError(
    403,
    'Forbidden',
    `${qualifiedResource(r)}${
      name ? ` "${name}"` : ''
    } is forbidden: ${message}`,
    detailsFor(r, name || undefined),
  );
}

/** 405 for a verb a resource does not support. */
export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    {},
  );
}

/** 410 for a resourceVersion older than the retained history. */
export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

/** 415 for a Content-Type the endpoint does not accept. */
export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType})`,
  );
}

/** 401 for a missing or wrong bearer token. */
export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}
