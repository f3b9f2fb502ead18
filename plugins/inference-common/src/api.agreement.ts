import type { components } from './api.generated';
import type { ServingRuntime } from './catalog/images';
import type { HeadroomVerdict } from './capacity/capacity';
import type { HeadroomAction, PoolCapacity } from './capacity/actions';
import type { CostSummary, SaasTokenPrice } from './cost/cost';
import type { NamespaceGpuQuota } from './diagnosis/quota';
import type { Finding, FindingEvidence } from './diagnosis/types';
import type { ClusterPlatformSettings } from './platform/clusterPlatform';
import type { ClusterPlatformSources } from './platform/clusterPlatformSources';
import type { QuotaStanding, ReservationState } from './quota/quota';

// The wire types generated from openapi.yaml and the domain types of inference-common agree both ways: a compile
// error here means they drifted apart (change openapi.yaml, then run generate:spec in plugins/inference-backend).

type Schemas = components['schemas'];
type Agree<Wire, Domain> = [Wire] extends [Domain]
  ? [Domain] extends [Wire]
    ? true
    : false
  : false;
type AllTrue<T extends readonly true[]> = T;

/** Compiles only while every pair agrees. */
export type WireAgreesWithDomain = AllTrue<
  [
    Agree<Schemas['Finding'], Finding>,
    Agree<Schemas['FindingEvidence'], FindingEvidence>,
    Agree<Schemas['NamespaceGpuQuota'], NamespaceGpuQuota>,
    Agree<Schemas['QuotaStanding'], QuotaStanding>,
    Agree<Schemas['ReservationState'], ReservationState>,
    Agree<Schemas['ServingRuntime'], ServingRuntime>,
    Agree<Schemas['CostSummary'], CostSummary>,
    Agree<Schemas['SaasTokenPrice'], SaasTokenPrice>,
    Agree<Schemas['HeadroomVerdict'], HeadroomVerdict>,
    Agree<Schemas['HeadroomAction'], HeadroomAction>,
    Agree<Schemas['PoolCapacity'], PoolCapacity>,
    Agree<Schemas['ClusterPlatformSettings'], ClusterPlatformSettings>,
    // the sources are keyed by setting path, which the wire types as any string: one way only
    ClusterPlatformSources extends Schemas['ClusterPlatformResponse']['sources']
      ? true
      : false,
  ]
>;
