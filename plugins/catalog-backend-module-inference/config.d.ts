export interface Config {
  inference?: {
    /** Scaffolder settings. @visibility backend */
    scaffolder?: {
      /**
       * Folder of the catalog-info.yaml files of services applied without git (one folder per entity); the catalog
       * module serves them as entities.
       * @visibility backend
       */
      catalogDirectory?: string;
      /** How often the catalog module reads that folder, in seconds (default 5). @visibility backend */
      catalogPollSeconds?: number;
    };
  };
}
