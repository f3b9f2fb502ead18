/**
 * Answer of `GET /api/inference/health`.
 *
 * @public
 */
export interface InferenceHealthResponse {
  status: 'ok' | 'degraded';
  /** Database engine the store runs on (e.g. `better-sqlite3`, `pg`). */
  database: { client: string; reachable: boolean; latestMigration?: string };
}
