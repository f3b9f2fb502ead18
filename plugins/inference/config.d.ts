export interface Config {
  /** Configuration of the inference platform plugins. */
  inference?: {
    /**
     * Links from the inference cards to the dashboards the platform team already has. Each link is shown only when
     * configured.
     * @visibility frontend
     */
    links?: {
      /**
       * Grafana dashboard URL. `{cluster}`, `{namespace}` and `{workload}` are replaced by the workload's values;
       * without placeholders they are appended as `var-cluster`, `var-namespace` and `var-workload`.
       * @visibility frontend
       */
      grafanaUrl?: string;
      /**
       * Base URL of the Prometheus UI (e.g. `https://prometheus.example.com`); the cards link to a graph of the
       * workload's series.
       * @visibility frontend
       */
      prometheusUrl?: string;
    };
  };
}
