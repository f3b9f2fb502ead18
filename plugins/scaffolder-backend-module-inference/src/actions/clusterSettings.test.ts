import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { resolveClusterPlatform } from '@inference-platform/plugin-inference-common';
import { createClusterSettingsAction } from './clusterSettings';

describe('inference:cluster:settings', () => {
  const settings = resolveClusterPlatform({
    modelCache: {
      mode: 'shared',
      storageClassName: 'efs-sc',
      accessMode: 'ReadWriteMany',
    },
    downloadMiBps: 200,
  });
  const action = createClusterSettingsAction({ settingsOf: () => settings });

  it("outputs the cluster's settings and says them in the summary and the log", async () => {
    const ctx = createMockActionContext({ input: { cluster: 'gpu-us-east' } });
    const info = jest.spyOn(ctx.logger, 'info');
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('settings', settings);
    const summary = [
      'Prometheus http://prometheus-operated.monitoring.svc:9090 (monitoring namespace monitoring)',
      'ingress controller in ingress-nginx (class nginx), KEDA HTTP add-on in keda',
      'model cache: one shared efs-sc volume (ReadWriteMany): downloaded once',
      'model download: 200 MiB/s',
      'Pod Security: restricted',
    ].join('\n');
    expect(ctx.output).toHaveBeenCalledWith('summary', summary);
    expect(info).toHaveBeenCalledWith(`Cluster gpu-us-east: ${summary}`);
  });

  it('adds the start-up budget of a planned model to the summary', async () => {
    const ctx = createMockActionContext({
      input: {
        cluster: 'gpu-us-east',
        weightsGiBPerGpu: 32.75,
        tensorParallelSize: 4,
      },
    });
    await action.handler(ctx);
    const summary = (ctx.output as jest.Mock).mock.calls.find(
      ([name]) => name === 'summary',
    )![1] as string;
    expect(summary.split('\n').pop()).toMatch(
      /^start-up: \d+ s for a replica without the model \(download 131\.0 GiB at 200 MiB\/s: 671 s, /,
    );
  });
});
