/** Settings of this backend's own wiring (packages/backend/src). */
export interface Config {
  backend?: {
    errorHandler?: {
      /**
       * Whether error responses may carry the error's stack trace (with the server's file paths). Unless true, every
       * error body loses its stack, whatever NODE_ENV says; true leaves it to Backstage, which shows stack traces
       * when NODE_ENV is development. Turn it on only on a developer's machine.
       * @visibility backend
       */
      showStackTraces?: boolean;
    };
  };
}
