export interface Config {
  inference?: {
    /**
     * Where the vLLM template reads the config.json of a model outside the catalog: a Hugging Face–compatible endpoint
     * (default https://huggingface.co; a mirror must serve /<org>/<model>/resolve/<revision>/config.json) or a
     * folder of the model cache holding <org>/<model>/config.json.
     * @visibility backend
     */
    modelSource?: {
      /** @visibility backend */
      baseUrl?: string;
      /** Bearer token for gated models or a private mirror, e.g. ${HF_TOKEN}. @visibility secret */
      token?: string;
      /** default main @visibility backend */
      revision?: string;
      /** default 10 @visibility backend */
      timeoutSeconds?: number;
      /** How long a fetched config is reused, default 3600. @visibility backend */
      cacheSeconds?: number;
      /** A folder of the model cache instead of an endpoint. @visibility backend */
      directory?: string;
    };
    /** Serving images of the scaffolder templates. @visibility backend */
    images?: {
      /**
       * Ask the registry for the digest of a tag when no pin exists (default false). Only the platform turns this on;
       * task inputs cannot.
       * @visibility backend
       */
      resolveLive?: boolean;
      /** How registries are reached. @visibility backend */
      registries?: Array<{
        /** Registry host of the image references, e.g. docker.io. @visibility backend */
        host: string;
        /** Mirror serving the same repositories: host[:port], https://host[:port], or http://host[:port] for plain HTTP (empty: none). @visibility backend */
        mirror?: string;
        /** Plain HTTP. @visibility backend */
        insecure?: boolean;
        /** @visibility backend */
        username?: string;
        /** @visibility secret */
        password?: string;
        /**
         * Hosts (`host[:port]`) besides the registry's (or its mirror's) own that may issue its bearer tokens. A
         * registry's 401 challenge is followed only to its own host, to these, and for docker.io to auth.docker.io;
         * credentials are sent nowhere else.
         * @visibility backend
         */
        tokenHosts?: string[];
      }>;
      /** Digests pinned by the platform team, by repository and tag. @visibility backend */
      pins?: Array<{
        /** e.g. docker.io/vllm/vllm-openai @visibility backend */
        repository: string;
        /** @visibility backend */
        tag: string;
        /** sha256:<64 hex> @visibility backend */
        digest: string;
      }>;
      /**
       * Registries (host and optional path prefix, matched on a path-segment boundary: `docker.io/vllm` allows
       * `docker.io/vllm/vllm-openai`, not `docker.io/vllm-evil/x`) images may come from; any when empty. Checked
       * before any registry is asked; task inputs cannot widen it.
       * @visibility backend
       */
      allowedRegistries?: string[];
      /**
       * Accept an image whose CUDA is newer than the node driver supports when the GPU is a data-center part that can
       * load NVIDIA's forward-compatibility package (default false: such an image is refused, since the container
       * runtime rejects it unless the image carries cuda-compat). Only the platform decides; task inputs cannot.
       * @visibility backend
       */
      allowForwardCompatibility?: boolean;
    };
    /** Scaffolder settings. @visibility backend */
    scaffolder?: {
      /**
       * Where inference:entity:register keeps the catalog-info.yaml of services applied without git; the catalog
       * reads them as file locations.
       * @visibility backend
       */
      catalogDirectory?: string;
    };
  };
}
