import {
  KUBERNETES_ID_ANNOTATION,
  INFERENCE_ANNOTATIONS,
  hasKubernetesId,
} from './annotations';
import { inferenceAdminPermissions, inferencePermissions } from './permissions';

describe('permissions and annotations', () => {
  it('names the permissions of the issue', () => {
    expect(inferencePermissions.map(p => p.name)).toEqual([
      'inference.workload.read',
      'inference.quota.read',
      'inference.quota.update',
      'inference.reservation.create',
      'inference.reservation.release',
      'inference.platform.apply',
    ]);
    expect(inferenceAdminPermissions.map(p => p.name)).toEqual([
      'inference.quota.update',
      'inference.platform.apply',
    ]);
  });

  it('links entities with the standard kubernetes-id annotation and keeps ours under one prefix', () => {
    expect(KUBERNETES_ID_ANNOTATION).toBe('backstage.io/kubernetes-id');
    expect(
      Object.values(INFERENCE_ANNOTATIONS).every(a =>
        a.startsWith('inference-platform.io/'),
      ),
    ).toBe(true);
    expect(
      hasKubernetesId({
        metadata: { annotations: { [KUBERNETES_ID_ANNOTATION]: 'chat' } },
      }),
    ).toBe(true);
    expect(hasKubernetesId({ metadata: {} })).toBe(false);
  });
});
