/*
 * The StorageClasses of a scenario cluster. By default, what a new EKS
 * cluster has: the `gp2` class EKS creates (provisioner kubernetes.io/aws-ebs,
 * served by the EBS CSI driver through CSI migration; type gp2, ext4;
 * WaitForFirstConsumer; Delete). EKS annotated it as the default class up to
 * Kubernetes 1.29; clusters created on 1.30 or later have no default class
 * (Amazon EKS user guide, "Review release notes for Kubernetes versions on
 * extended support", Kubernetes 1.30:
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions-extended.html).
 * `efs-sc` is the class of the EFS CSI driver's dynamic provisioning example
 * (kubernetes-sigs/aws-efs-csi-driver examples/kubernetes/dynamic_provisioning):
 * efs.csi.aws.com, access points (`provisioningMode: efs-ap`), Immediate.
 */
import { IS_DEFAULT_CLASS } from '../admission/defaultStorageClass';
import { KubeObject } from '../store/storedObject';
import { ClusterSpec, StorageClassSpec } from './schema';

function minorOf(version: string): number {
  const m = /^v?1\.(\d+)/.exec(version);
  return m ? Number(m[1]) : 0;
}

/** The StorageClass objects of a cluster. */
export function storageClassesOf(spec: ClusterSpec): KubeObject[] {
  const storage = spec.storage;
  const classes: StorageClassSpec[] = storage.classes
    ? [...storage.classes]
    : [
        {
          name: 'gp2',
          provisioner: 'kubernetes.io/aws-ebs',
          parameters: { fsType: 'ext4', type: 'gp2' },
          reclaimPolicy: 'Delete',
          volumeBindingMode: 'WaitForFirstConsumer',
          default: minorOf(spec.kubernetesVersion) < 30,
        },
      ];
  if (storage.efs && !classes.some(c => c.name === 'efs-sc'))
    classes.push({
      name: 'efs-sc',
      provisioner: 'efs.csi.aws.com',
      parameters: {
        provisioningMode: 'efs-ap',
        fileSystemId: 'fs-0123456789abcdef0',
        directoryPerms: '700',
      },
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
      default: false,
    });
  return classes.map(c => {
    const isDefault =
      storage.defaultClass !== undefined
        ? storage.defaultClass === c.name
        : c.default;
    return {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: c.name,
        ...(isDefault ? { annotations: { [IS_DEFAULT_CLASS]: 'true' } } : {}),
      },
      provisioner: c.provisioner,
      parameters: c.parameters,
      reclaimPolicy: c.reclaimPolicy,
      volumeBindingMode: c.volumeBindingMode,
      ...(c.allowVolumeExpansion !== undefined
        ? { allowVolumeExpansion: c.allowVolumeExpansion }
        : {}),
    } as KubeObject;
  });
}

/** The `pod-security.kubernetes.io/*` labels a scenario namespace asks for. */
export function podSecurityLabels(
  podSecurity:
    | { enforce?: string; warn?: string; audit?: string; version?: string }
    | undefined,
): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!podSecurity) return labels;
  for (const mode of ['enforce', 'warn', 'audit'] as const) {
    const level = podSecurity[mode];
    if (!level) continue;
    labels[`pod-security.kubernetes.io/${mode}`] = level;
    if (podSecurity.version)
      labels[`pod-security.kubernetes.io/${mode}-version`] =
        podSecurity.version;
  }
  return labels;
}
