/** A LoggerService that drops everything: benchmarks time the work, not the console. */
export const quietLogger: any = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return quietLogger;
  },
};
