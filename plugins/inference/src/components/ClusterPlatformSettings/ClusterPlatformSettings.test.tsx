import { ResponseError } from '@backstage/errors';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import { fakeInferenceApi } from '../../__testUtils__';
import { InferenceApi, inferenceApiRef } from '../../api';
import { ClusterPlatformSettings } from './ClusterPlatformSettings';

/** The field as the scaffolder's form renders it: the step's answers so far in formContext.formData. */
function renderField(options: {
  api: InferenceApi;
  formData: Record<string, unknown>;
  clusterField?: string;
  onChange?: jest.Mock;
}) {
  const onChange = options.onChange ?? jest.fn();
  const props = {
    schema: { title: 'Cluster platform settings', type: 'string' },
    uiSchema: options.clusterField
      ? { 'ui:options': { clusterField: options.clusterField } }
      : {},
    formContext: { formData: options.formData },
    formData: undefined,
    onChange,
  } as any;
  return renderInTestApp(
    <TestApiProvider apis={[[inferenceApiRef, options.api]]}>
      <ClusterPlatformSettings {...props} />
    </TestApiProvider>,
  ).then(() => onChange);
}

/** Value cell text of a row of the settings table. */
function valueOf(label: string) {
  const row = screen.getByText(label, { selector: 'th' }).closest('tr')!;
  return row.querySelector('td')!;
}

describe('ClusterPlatformSettings field', () => {
  it("shows the chosen cluster's settings, marking the built-in defaults", async () => {
    const api = fakeInferenceApi();
    await renderField({ api, formData: { cluster: 'gpu-us-east' } });
    expect(
      await screen.findByRole('table', {
        name: 'Platform settings of gpu-us-east',
      }),
    ).toBeInTheDocument();
    expect(api.getClusterPlatform).toHaveBeenCalledWith('gpu-us-east');

    const prometheus = valueOf('Prometheus');
    expect(prometheus).toHaveTextContent(
      'http://prometheus-operated.monitoring.svc:9090',
    );
    expect(within(prometheus).getByText('default')).toBeInTheDocument();
    expect(valueOf('Monitoring namespace')).toHaveTextContent(
      'monitoringdefault',
    );
    expect(valueOf('Ingress namespace')).toHaveTextContent(
      'ingress-nginxdefault',
    );
    expect(valueOf('KEDA HTTP add-on namespace')).toHaveTextContent(
      'kedadefault',
    );
    expect(valueOf('Pod Security')).toHaveTextContent('restricteddefault');
    // set in config: no default mark, the config key on hover
    expect(valueOf('Model cache')).toHaveTextContent(
      /^shared, efs-sc, ReadWriteMany$/,
    );
    expect(valueOf('Model cache')).toHaveAttribute(
      'title',
      'inference.platform.clusters.gpu-us-east.modelCache.mode; inference.platform.clusters.gpu-us-east.modelCache.storageClassName; inference.platform.clusters.gpu-us-east.modelCache.accessMode',
    );
    expect(valueOf('Model download')).toHaveTextContent(/^200 MiB\/s$/);
  });

  it('sets its value to the one-line summary the review step lists', async () => {
    const onChange = await renderField({
      api: fakeInferenceApi(),
      formData: { cluster: 'gpu-us-east' },
    });
    await waitFor(() =>
      expect(onChange).toHaveBeenCalledWith(
        'Prometheus http://prometheus-operated.monitoring.svc:9090 (monitoring namespace monitoring); ' +
          'ingress controller in ingress-nginx (class nginx), KEDA HTTP add-on in keda; ' +
          'model cache: one shared efs-sc volume (ReadWriteMany): downloaded once; ' +
          'model download: 200 MiB/s; Pod Security: restricted',
      ),
    );
  });

  it('reads the cluster from the field ui:options.clusterField names', async () => {
    const api = fakeInferenceApi();
    await renderField({
      api,
      formData: { cluster: 'gpu-us-east', targetCluster: 'gpu-batch' },
      clusterField: 'targetCluster',
    });
    expect(
      await screen.findByRole('table', {
        name: 'Platform settings of gpu-batch',
      }),
    ).toBeInTheDocument();
    expect(api.getClusterPlatform).toHaveBeenCalledWith('gpu-batch');
    expect(valueOf('Model cache')).toHaveTextContent(
      /^per-replica, gp2, ReadWriteOncedefault$/,
    );
  });

  it('asks for a cluster first, and fetches nothing', async () => {
    const api = fakeInferenceApi();
    const onChange = await renderField({ api, formData: {} });
    expect(
      screen.getByText(/Choose a cluster to see the platform settings/),
    ).toBeInTheDocument();
    expect(api.getClusterPlatform).not.toHaveBeenCalled();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('shows the error for a cluster the backend does not track, and leaves the field empty', async () => {
    const api = fakeInferenceApi({
      getClusterPlatform: async cluster => {
        throw await ResponseError.fromResponse(
          new Response(
            JSON.stringify({
              error: {
                name: 'NotFoundError',
                message: `No tracked cluster is named ${cluster}`,
              },
              response: { statusCode: 404 },
            }),
            {
              status: 404,
              statusText: 'Not Found',
              headers: { 'Content-Type': 'application/json' },
            },
          ),
        );
      },
    });
    const onChange = await renderField({
      api,
      formData: { cluster: 'gpu-ap-south' },
    });
    expect(
      (await screen.findAllByText(/No tracked cluster is named gpu-ap-south/))
        .length,
    ).toBeGreaterThan(0);
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
  });
});
