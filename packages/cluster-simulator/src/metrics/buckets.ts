/*
 * Histogram bucket bounds of the inference servers' latency and token
 * histograms.
 */

/** Time-to-first-token buckets, seconds. */
export const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5,
  7.5, 10, 20, 40, 80, 160, 640, 2560,
];
/** Inter-token latency buckets, seconds. */
export const ITL_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5,
  10, 20, 40, 80,
];
/** Request latency buckets, seconds. */
export const LATENCY_BUCKETS = [
  0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480,
  960, 1920, 7680,
];
/** Token count buckets. */
export const TOKEN_BUCKETS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000,
  100000,
];
