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
    /**
     * What templates must know about each cluster to render services that work there. `defaults` apply to every
     * cluster, `clusters.<name>` override them; unset fields take built-in defaults matching kube-prometheus-stack,
     * ingress-nginx, the KEDA HTTP add-on and EKS storage (rates are UNVERIFIED placeholders: set yours).
     * @visibility backend
     */
    platform?: {
      /** @visibility backend */
      defaults?: {
        /** Prometheus base URL as KEDA reaches it in the cluster (default http://prometheus-operated.monitoring.svc:9090). @visibility backend */
        prometheusUrl?: string;
        /** Namespace Prometheus scrapes from (default monitoring). @visibility backend */
        monitoringNamespace?: string;
        /** @visibility backend */
        ingress?: {
          /** Namespace of the ingress controller (default ingress-nginx). @visibility backend */
          namespace?: string;
          /** IngressClass (default nginx). @visibility backend */
          className?: string;
          /** Host names are <name>.<namespace>.<domain>. @visibility backend */
          domain?: string;
        };
        /** KEDA HTTP add-on (scale to zero). @visibility backend */
        httpAddOn?: {
          /** default keda @visibility backend */
          namespace?: string;
          /** default keda-add-ons-http-interceptor-proxy @visibility backend */
          interceptorService?: string;
          /** default 8080 @visibility backend */
          interceptorPort?: number;
        };
        /** CIDRs the API server's proxy connections to pods come from (the platform scrapes metrics through pods/proxy). @visibility backend */
        apiServerCidrs?: string[];
        /** @visibility backend */
        modelCache?: {
          /** shared (one ReadWriteMany volume), per-replica (a volume per pod) or node-local (emptyDir). @visibility backend */
          mode?: 'shared' | 'per-replica' | 'node-local';
          /** @visibility backend */
          storageClassName?: string;
          /** @visibility backend */
          accessMode?: 'ReadWriteMany' | 'ReadWriteOnce' | 'ReadWriteOncePod';
        };
        /** Model download rate, MiB/s. @visibility backend */
        downloadMiBps?: number;
        /** Cache-to-GPU load rate, MiB/s. @visibility backend */
        loadMiBps?: number;
        /** Engine start after loading (profiling, compile, CUDA graphs), seconds. @visibility backend */
        engineInitSeconds?: number;
        /** A new GPU node's launch to Ready, seconds. @visibility backend */
        nodeLaunchSeconds?: number;
        /** Pod Security level of team namespaces. @visibility backend */
        podSecurity?: 'privileged' | 'baseline' | 'restricted';
      };
      /** @visibility backend */
      clusters?: {
        /** Settings of one cluster, same fields as defaults. @visibility backend */
        [cluster: string]: {
          /** Prometheus base URL as KEDA reaches it in the cluster (default http://prometheus-operated.monitoring.svc:9090). @visibility backend */
          prometheusUrl?: string;
          /** Namespace Prometheus scrapes from (default monitoring). @visibility backend */
          monitoringNamespace?: string;
          /** @visibility backend */
          ingress?: {
            /** Namespace of the ingress controller (default ingress-nginx). @visibility backend */
            namespace?: string;
            /** IngressClass (default nginx). @visibility backend */
            className?: string;
            /** Host names are <name>.<namespace>.<domain>. @visibility backend */
            domain?: string;
          };
          /** KEDA HTTP add-on (scale to zero). @visibility backend */
          httpAddOn?: {
            /** default keda @visibility backend */
            namespace?: string;
            /** default keda-add-ons-http-interceptor-proxy @visibility backend */
            interceptorService?: string;
            /** default 8080 @visibility backend */
            interceptorPort?: number;
          };
          /** CIDRs the API server's proxy connections to pods come from (the platform scrapes metrics through pods/proxy). @visibility backend */
          apiServerCidrs?: string[];
          /** @visibility backend */
          modelCache?: {
            /** shared (one ReadWriteMany volume), per-replica (a volume per pod) or node-local (emptyDir). @visibility backend */
            mode?: 'shared' | 'per-replica' | 'node-local';
            /** @visibility backend */
            storageClassName?: string;
            /** @visibility backend */
            accessMode?: 'ReadWriteMany' | 'ReadWriteOnce' | 'ReadWriteOncePod';
          };
          /** Model download rate, MiB/s. @visibility backend */
          downloadMiBps?: number;
          /** Cache-to-GPU load rate, MiB/s. @visibility backend */
          loadMiBps?: number;
          /** Engine start after loading (profiling, compile, CUDA graphs), seconds. @visibility backend */
          engineInitSeconds?: number;
          /** A new GPU node's launch to Ready, seconds. @visibility backend */
          nodeLaunchSeconds?: number;
          /** Pod Security level of team namespaces. @visibility backend */
          podSecurity?: 'privileged' | 'baseline' | 'restricted';
        };
      };
    };
  };
}
