export interface Config {
  inference?: {
    /**
     * Who may deploy where. A team may use the namespaces (and clusters) granted here, joined with those of the
     * annotations inference-platform.io/namespaces and inference-platform.io/clusters on its Group entity. A team
     * with no grant may deploy nowhere; the platform team (inference.platformTeam) may deploy everywhere.
     * @visibility backend
     */
    tenancy?: {
      /** @visibility backend */
      teams?: Array<{
        /** Group name or ref, e.g. ml-chat or group:default/ml-chat. @visibility backend */
        owner: string;
        /** Namespaces the team's services may live in. @visibility backend */
        namespaces?: string[];
        /** Clusters the team may deploy to; every configured cluster when absent. @visibility backend */
        clusters?: string[];
      }>;
      /**
       * Pod Security Standards level every pod the templates apply must meet (default restricted).
       * @visibility backend
       */
      podSecurity?: 'baseline' | 'restricted';
    };
  };
}
