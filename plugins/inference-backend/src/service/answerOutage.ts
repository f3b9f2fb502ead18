import { serializeError, ServiceUnavailableError } from '@backstage/errors';
import express from 'express';
import { StoreAvailability } from '../database/StoreAvailability';

/**
 * Answers a store outage (a ServiceUnavailableError) with 503 and Retry-After, shaped as Backstage's error handler
 * answers, but without logging it: the outage was logged once when the store was lost, and that handler logs every
 * 5xx with its stack. Other errors go on to it.
 */
export function answerOutage(
  availability: StoreAvailability,
): express.ErrorRequestHandler {
  return (error, req, res, next) => {
    if (!(error instanceof ServiceUnavailableError) || res.headersSent) {
      next(error);
      return;
    }
    res.set('Retry-After', String(Math.ceil(availability.retryMs / 1000)));
    res.status(503).json({
      error: serializeError(error),
      request: { method: req.method, url: req.originalUrl },
      response: { statusCode: 503 },
    });
  };
}
