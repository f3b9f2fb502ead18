import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PermissionApi } from '@backstage/plugin-permission-react';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  CHAT_QUOTA,
  emptySummary,
  fakeInferenceApi,
  groupEntity,
  H100,
  oomWorkload,
  renderEntityCard,
  summary,
  workload,
} from '../../__testUtils__';
import { InferenceApi } from '../../api';
import { GpuQuotaCard } from './GpuQuotaCard';

const groupSummary = (quota = [CHAT_QUOTA]) =>
  summary({
    entityRef: 'group:default/ml-chat',
    workloads: [workload(), oomWorkload()],
    capacity: undefined,
    quota,
  });

function renderQuota(
  options: {
    api?: InferenceApi;
    canEditQuota?: boolean;
    permissionApi?: PermissionApi;
  } = {},
) {
  return renderEntityCard(<GpuQuotaCard />, {
    entity: groupEntity,
    api:
      options.api ??
      fakeInferenceApi({ getEntitySummary: async () => groupSummary() }),
    canEditQuota: options.canEditQuota,
    permissionApi: options.permissionApi,
  });
}

/** The options of a select's group (role queries are slow over a hundred options). */
function optionsOf(element: HTMLElement) {
  return [...element.querySelectorAll('option')].map(o => o.textContent);
}

function cells(gpuType: string) {
  return within(screen.getByTestId(`quota-${gpuType}`))
    .getAllByRole('cell')
    .map(cell => cell.textContent);
}

describe('GpuQuotaCard', () => {
  it('shows progress while the summary loads', async () => {
    await renderQuota({
      api: fakeInferenceApi({ getEntitySummary: () => new Promise(() => {}) }),
    });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error and loads again on retry', async () => {
    const api = fakeInferenceApi();
    api.getEntitySummary
      .mockRejectedValueOnce(new Error('ledger unavailable'))
      .mockResolvedValue(groupSummary());
    await renderQuota({ api });
    expect(
      (await screen.findAllByText(/ledger unavailable/)).length,
    ).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId(`quota-${H100}`)).toBeInTheDocument();
  });

  it('shows limit, used at autoscaler ceiling, reserved and free per GPU type, by service', async () => {
    await renderQuota();
    await screen.findByTestId(`quota-${H100}`);
    expect(cells(H100).slice(0, 5)).toEqual([H100, '24', '18', '2', '4']);
    expect(screen.getByText('support-chat-llm')).toBeInTheDocument();
    expect(screen.getByText(/: 16 GPUs/)).toBeInTheDocument();
    expect(screen.getByText('4 GPUs × max 4 replicas')).toBeInTheDocument();
    expect(
      screen.getByText('1 GPU × 2 replicas, no autoscaler'),
    ).toBeInTheDocument();
  });

  it('marks a line over its limit', async () => {
    await renderQuota({
      api: fakeInferenceApi({
        getEntitySummary: async () =>
          groupSummary([
            { ...CHAT_QUOTA, limit: 16, headroom: -4, overLimit: true },
          ]),
      }),
    });
    expect(await screen.findByText('over its limit')).toBeInTheDocument();
  });

  it('offers no edit action without inference.quota.update', async () => {
    const authorize = jest.fn(async () => ({ result: AuthorizeResult.DENY }));
    await renderQuota({ permissionApi: { authorize } as PermissionApi });
    await screen.findByTestId(`quota-${H100}`);
    // the decision has arrived: the missing button is a denial, not a pending check
    await waitFor(() =>
      expect(authorize).toHaveBeenCalledWith(
        expect.objectContaining({
          permission: expect.objectContaining({
            name: 'inference.quota.update',
          }),
        }),
      ),
    );
    await act(() => authorize.mock.results[0].value);
    expect(
      screen.queryByRole('button', { name: /Edit the/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Add GPU type' }),
    ).not.toBeInTheDocument();
  });

  it('lets the platform team change a limit with a reason, then shows the new standing', async () => {
    const api = fakeInferenceApi();
    api.getEntitySummary
      .mockResolvedValueOnce(groupSummary())
      .mockResolvedValue(
        groupSummary([{ ...CHAT_QUOTA, limit: 32, headroom: 12 }]),
      );
    api.getQuotaAudit.mockResolvedValue([
      {
        id: 1,
        ownerRef: 'group:default/ml-chat',
        gpuType: H100,
        previousLimit: null,
        newLimit: 24,
        changedBy: 'app-config',
        reason: 'seeded from inference.quotas',
        changedAt: '2026-11-27T11:55:54.128Z',
      },
    ]);
    await renderQuota({ api });
    await userEvent.click(
      await screen.findByRole('button', { name: `Edit the ${H100} limit` }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText(
        'Last set to 24 by app-config on 2026-11-27: seeded from inference.quotas',
      ),
    ).toBeInTheDocument();
    const limit = within(dialog).getByLabelText('Limit (GPUs)');
    expect(limit).toHaveValue(24);
    await userEvent.clear(limit);
    await userEvent.type(limit, '32');
    await userEvent.type(
      within(dialog).getByLabelText('Reason'),
      'support chat launch',
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(api.updateQuota).toHaveBeenCalledWith({
      owner: 'group:default/ml-chat',
      gpuType: H100,
      limit: 32,
      reason: 'support chat launch',
    });
    await waitFor(() => expect(cells(H100)[1]).toBe('32'));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('keeps the dialog open with the reason when the backend refuses', async () => {
    const api = fakeInferenceApi({
      getEntitySummary: async () => groupSummary(),
      updateQuota: async () => {
        throw new Error('You are not allowed to update quotas');
      },
    });
    await renderQuota({ api });
    await userEvent.click(
      await screen.findByRole('button', { name: `Edit the ${H100} limit` }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(
      (await within(dialog).findAllByText(/not allowed to update quotas/))
        .length,
    ).toBeGreaterThan(0);
  });

  it('warns when a new limit is below what is in use', async () => {
    await renderQuota();
    await userEvent.click(
      await screen.findByRole('button', { name: `Edit the ${H100} limit` }),
    );
    const limit = within(await screen.findByRole('dialog')).getByLabelText(
      'Limit (GPUs)',
    );
    await userEvent.clear(limit);
    await userEvent.type(limit, '8');
    expect(screen.getByText(/Below the 20 GPUs in use/)).toBeInTheDocument();
  });

  it('tells a team without quota to ask the platform team', async () => {
    await renderQuota({
      canEditQuota: false,
      api: fakeInferenceApi({
        getEntitySummary: async () => emptySummary('group:default/ml-chat'),
      }),
    });
    expect(
      await screen.findByText('No GPU quota for this team'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Ask the platform team/)).toBeInTheDocument();
  });

  it('lets the platform team add a limit, picking the GPU type from the fleet’s pools and the GPU catalog', async () => {
    const api = fakeInferenceApi({
      getEntitySummary: async () => emptySummary('group:default/ml-chat'),
    });
    await renderQuota({ api });
    expect(await screen.findByText(/Add a limit per GPU type/)).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Add GPU type' }));
    const dialog = await screen.findByRole('dialog');
    const select = within(dialog).getByLabelText('GPU type');
    // a choice, not free text: a type nobody has cannot be typed in
    expect(select.tagName).toBe('SELECT');
    await waitFor(() =>
      expect(
        within(dialog).getByRole('group', { name: 'In the fleet' }),
      ).toBeInTheDocument(),
    );
    const fleet = optionsOf(
      within(dialog).getByRole('group', { name: 'In the fleet' }),
    );
    expect(fleet).toEqual(['NVIDIA-A100-SXM4-80GB', H100, 'NVIDIA-L4']);
    const catalog = optionsOf(
      within(dialog).getByRole('group', {
        name: 'Other GPU types of the catalog',
      }),
    );
    expect(catalog).toContain('NVIDIA-A100-SXM4-80GB-MIG-1g.10gb');
    expect(catalog).not.toContain(H100);
    expect(catalog).toContain('NVIDIA-A100-SXM4-40GB');

    await userEvent.selectOptions(select, 'NVIDIA-L4');
    await userEvent.type(within(dialog).getByLabelText('Limit (GPUs)'), '4');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(api.updateQuota).toHaveBeenCalledWith({
      owner: 'group:default/ml-chat',
      gpuType: 'NVIDIA-L4',
      limit: 4,
      reason: undefined,
    });
  });

  it('does not offer a GPU type the team has a line for already', async () => {
    await renderQuota();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Add GPU type' }),
    );
    const dialog = await screen.findByRole('dialog');
    await waitFor(() =>
      expect(
        within(dialog).getByRole('group', { name: 'In the fleet' }),
      ).toBeInTheDocument(),
    );
    expect(optionsOf(dialog)).not.toContain(H100);
  });

  it('flags a limit above what the fleet has of that GPU type', async () => {
    await renderQuota({
      api: fakeInferenceApi({
        getEntitySummary: async () =>
          groupSummary([
            {
              ...CHAT_QUOTA,
              exceedsCapacity: {
                capacity: 16,
                limit: 24,
                clusters: ['gpu-us-east', 'gpu-eu-west'],
              },
            },
          ]),
      }),
    });
    expect(
      await screen.findByText(
        'limit above the 16 GPUs of this type in gpu-us-east, gpu-eu-west',
      ),
    ).toBeInTheDocument();
  });

  it('removes a line with a reason, and after a refusal naming what holds its GPUs only when told to force it', async () => {
    const api = fakeInferenceApi({
      getEntitySummary: async () => groupSummary(),
    });
    api.removeQuota.mockRejectedValueOnce(
      Object.assign(
        new Error(
          `group:default/ml-chat holds 20 x ${H100} on this quota (18 charged to running workloads, 2 by pending reservations)`,
        ),
        { statusCode: 409 },
      ),
    );
    await renderQuota({ api });
    await userEvent.click(
      await screen.findByRole('button', { name: `Edit the ${H100} limit` }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('Reason'), 'moved');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Remove line' }),
    );
    expect(api.removeQuota).toHaveBeenLastCalledWith({
      owner: 'group:default/ml-chat',
      gpuType: H100,
      reason: 'moved',
      force: false,
    });
    expect(
      (await within(dialog).findAllByText(/holds 20 x/)).length,
    ).toBeGreaterThan(0);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Remove anyway' }),
    );
    expect(api.removeQuota).toHaveBeenLastCalledWith({
      owner: 'group:default/ml-chat',
      gpuType: H100,
      reason: 'moved',
      force: true,
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });
});
