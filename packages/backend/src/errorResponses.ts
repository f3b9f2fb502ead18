import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';

type ErrorLike = { stack?: unknown; cause?: unknown; [key: string]: unknown };

function withoutStack(error: unknown): unknown {
  if (!error || typeof error !== 'object') return error;
  const { stack: _stack, cause, ...rest } = error as ErrorLike;
  return cause === undefined ? rest : { ...rest, cause: withoutStack(cause) };
}

/**
 * A JSON answer without `error.stack` (and the stacks of the error's causes) when it is an error body (Backstage's
 * `{ error, request, response }`); any other answer as it is.
 */
export function withoutStackTraces(body: unknown): unknown {
  const error = (body as { error?: unknown } | undefined)?.error;
  if (!error || typeof error !== 'object') return body;
  return { ...(body as object), error: withoutStack(error) };
}

/**
 * The root HTTP router with Backstage's defaults, and error bodies without stack traces unless
 * `backend.errorHandler.showStackTraces` is true. Backstage decides by NODE_ENV alone, in the root error handler,
 * in the one every plugin router gets and in the Kubernetes proxy (stack traces whenever it is `development`), and
 * `npm start` runs in development mode for the guest sign-in: every error body would show the machine's file paths.
 */
export const rootHttpRouterWithQuietErrors = rootHttpRouterServiceFactory({
  configure(context) {
    const showStackTraces = context.config.getOptionalBoolean(
      'backend.errorHandler.showStackTraces',
    );
    if (!showStackTraces) {
      // first, so it sees the answers of every error handler mounted after it
      context.app.use((_req, res, next) => {
        const json = res.json.bind(res);
        res.json = body => json(withoutStackTraces(body));
        next();
      });
    }
    context.applyDefaults();
  },
});
