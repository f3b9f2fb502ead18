/*
 * The CSI drivers an EKS cluster runs, as far as provisioning sees them:
 * which access modes their CreateVolume accepts, and the volume source of
 * the PersistentVolumes they create.
 *
 * Access modes reach a driver as CSI capabilities, mapped by the
 * external-provisioner (kubernetes-csi/external-provisioner pkg/controller
 * `getAccessMode`, for drivers without the SINGLE_NODE_MULTI_WRITER
 * capability): ReadWriteOnce and ReadWriteOncePod → SINGLE_NODE_WRITER,
 * ReadOnlyMany → MULTI_NODE_READER_ONLY, ReadWriteMany → MULTI_NODE_MULTI_WRITER.
 */

type Obj = Record<string, any>;

/** In-tree provisioner names served by a CSI driver (CSI migration, GA for aws-ebs in Kubernetes 1.25). */
export const MIGRATED_PROVISIONERS: Record<string, string> = {
  'kubernetes.io/aws-ebs': 'ebs.csi.aws.com',
};

/** The driver that provisions for a StorageClass `provisioner`. */
export function csiDriverName(provisioner: string): string {
  return MIGRATED_PROVISIONERS[provisioner] ?? provisioner;
}

type CsiAccessMode =
  | 'SINGLE_NODE_WRITER'
  | 'MULTI_NODE_READER_ONLY'
  | 'MULTI_NODE_MULTI_WRITER';

function csiAccessMode(mode: string): CsiAccessMode {
  if (mode === 'ReadOnlyMany') return 'MULTI_NODE_READER_ONLY';
  if (mode === 'ReadWriteMany') return 'MULTI_NODE_MULTI_WRITER';
  return 'SINGLE_NODE_WRITER';
}

/** A simulated CSI driver's controller service. @public */
export interface CsiDriver {
  name: string;
  /** CreateVolume's capability check: the gRPC error it answers, or undefined */
  createVolumeError(
    accessModes: string[],
    volumeMode: string,
  ): string | undefined;
  /** the `spec.csi` of a new volume and its topology, if any */
  volumeSource(
    handle: string,
    zone: string | undefined,
  ): { csi: Obj; nodeAffinity?: Obj };
}

/**
 * aws-ebs-csi-driver pkg/driver/controller.go: `validateCreateVolumeRequest`
 * answers InvalidArgument "Volume capabilities not supported" unless every
 * capability passes `isValidCapability`: SINGLE_NODE_WRITER, or
 * MULTI_NODE_MULTI_WRITER on a raw block volume (io2 multi-attach) only.
 */
const EBS: CsiDriver = {
  name: 'ebs.csi.aws.com',
  createVolumeError(accessModes, volumeMode) {
    const ok = accessModes.map(csiAccessMode).every(m => {
      if (m === 'SINGLE_NODE_WRITER') return true;
      return m === 'MULTI_NODE_MULTI_WRITER' && volumeMode === 'Block';
    });
    return ok
      ? undefined
      : 'rpc error: code = InvalidArgument desc = Volume capabilities not supported';
  },
  volumeSource(handle, zone) {
    return {
      csi: {
        driver: 'ebs.csi.aws.com',
        volumeHandle: `vol-0${handle}`,
        fsType: 'ext4',
      },
      // an EBS volume lives in one availability zone
      nodeAffinity: zone
        ? {
            required: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    {
                      key: 'topology.kubernetes.io/zone',
                      operator: 'In',
                      values: [zone],
                    },
                  ],
                },
              ],
            },
          }
        : undefined,
    };
  },
};

/**
 * aws-efs-csi-driver pkg/driver/controller.go: every file-system access mode
 * (single-node and multi-node, readers and writers) is supported; volumes are
 * access points of a file system reachable from every zone.
 */
const EFS: CsiDriver = {
  name: 'efs.csi.aws.com',
  createVolumeError() {
    return undefined;
  },
  volumeSource(handle) {
    return {
      csi: {
        driver: 'efs.csi.aws.com',
        volumeHandle: `fs-0${handle.slice(0, 8)}::fsap-0${handle}`,
      },
    };
  },
};

const DRIVERS = new Map([EBS, EFS].map(d => [d.name, d]));

/** The simulated CSI driver of that name, if the cluster runs it. */
export function csiDriver(name: string): CsiDriver | undefined {
  return DRIVERS.get(name);
}
