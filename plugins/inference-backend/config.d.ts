export interface Config {
  /** Configuration of the inference platform plugins. */
  inference?: {
    /**
     * Catalog ref of the group whose members administer GPU quotas (e.g. `group:default/platform-team`).
     * Used by the app's permission policy.
     * @visibility frontend
     */
    platformTeam?: string;
  };
}
