/*
 * Types shared by the write paths of the cluster API.
 */
import { KubeObject } from '../store/storedObject';
import { ResourceType } from './resources';

/** Options of a write request. @public */
export interface WriteOptions {
  /** `fieldManager`; ownership of changed fields is recorded under it */
  manager?: string;
  /** `dryRun=All`: validate and answer, store nothing */
  dryRun?: boolean;
  /**
   * Writes made by the simulated control plane (controllers, kubelet). They
   * bypass user-facing restrictions such as pod spec immutability, and skip
   * managedFields bookkeeping on objects that have none (pods at scale).
   */
  internal?: boolean;
  /** the subresource written, when not the main resource */
  subresource?: 'status';
  /** collects admission warnings, sent to HTTP clients as `Warning: 299` headers */
  warnings?: string[];
}

/** A create/update about to be stored, as admission plugins see it. @public */
export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE';
  resource: ResourceType;
  object: KubeObject;
  previous?: KubeObject;
  subresource?: 'status';
  internal: boolean;
  /** adds a warning to the response (admission plugins' `AdmissionResponse.Warnings`) */
  warn(message: string): void;
}

/** A validating admission plugin: throws an `ApiError` to reject. @public */
export type AdmissionPlugin = (req: AdmissionRequest) => void;
