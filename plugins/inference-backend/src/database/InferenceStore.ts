/**
 * A team's GPU quota for one GPU type.
 *
 * @public
 */
export interface QuotaRecord {
  ownerRef: string;
  gpuType: string;
  limit: number;
  updatedBy: string;
  updatedAt: Date;
}

/**
 * One change of a quota, as kept in the audit log.
 *
 * @public
 */
export interface QuotaAuditRecord {
  ownerRef: string;
  gpuType: string;
  previousLimit: number | null;
  newLimit: number;
  changedBy: string;
  reason?: string;
  changedAt: Date;
}

/**
 * Persistence of the inference backend.
 *
 * @public
 */
export interface InferenceStore {
  /** Pings the database; used by the health route. */
  ping(): Promise<void>;
  /** Name of the newest applied migration, if any. */
  latestMigration(): Promise<string | undefined>;
  listQuotas(filter?: { ownerRef?: string }): Promise<QuotaRecord[]>;
  /** Sets a quota and appends the change to the audit log in one transaction. */
  setQuota(change: {
    ownerRef: string;
    gpuType: string;
    limit: number;
    changedBy: string;
    reason?: string;
    now?: Date;
  }): Promise<QuotaRecord>;
  listQuotaAudit(filter: {
    ownerRef: string;
    gpuType?: string;
  }): Promise<QuotaAuditRecord[]>;
}
