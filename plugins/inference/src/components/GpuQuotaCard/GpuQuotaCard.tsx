import { stringifyEntityRef } from '@backstage/catalog-model';
import { EmptyState, InfoCard } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import { inferenceQuotaUpdatePermission } from '@inference-platform/plugin-inference-common';
import Button from '@material-ui/core/Button';
import { useState } from 'react';
import { useEntityInferenceSummary } from '../../hooks';
import { CardStates } from '../CardStates';
import { QuotaEditDialog, QuotaEditTarget } from './QuotaEditDialog';
import { QuotaLines } from './QuotaLines';

/**
 * A team's GPU quota per GPU type: limit, used (charged at autoscaler ceiling), reserved and free, and the services
 * it is charged to. Members of the platform team (`inference.quota.update`) can change limits here.
 *
 * @public
 */
export function GpuQuotaCard() {
  const { entity, ...state } = useEntityInferenceSummary();
  const { allowed: canEdit } = usePermission({
    permission: inferenceQuotaUpdatePermission,
  });
  const [editing, setEditing] = useState<QuotaEditTarget>();
  const owner = stringifyEntityRef(entity);
  const addLimit = canEdit ? (
    <Button
      size="small"
      color="primary"
      onClick={() =>
        setEditing({
          owner,
          existing: state.value?.quota.map(q => q.gpuType) ?? [],
        })
      }
    >
      Add GPU type
    </Button>
  ) : undefined;

  return (
    <InfoCard title="GPU quota" variant="gridItem" action={addLimit}>
      <CardStates
        {...state}
        empty={summary =>
          summary.quota.length === 0 && (
            <EmptyState
              missing="info"
              title="No GPU quota for this team"
              description={
                canEdit
                  ? 'Add a limit per GPU type here or in app-config (inference.quotas). Without one, the team cannot reserve GPUs for new services.'
                  : 'Ask the platform team for a GPU quota. Without one, the team cannot reserve GPUs for new services.'
              }
            />
          )
        }
      >
        {summary => (
          <QuotaLines
            standings={summary.quota}
            workloads={summary.workloads}
            onEdit={
              canEdit
                ? standing =>
                    setEditing({
                      owner,
                      gpuType: standing.gpuType,
                      limit: standing.limit,
                      used: standing.used + standing.reserved,
                    })
                : undefined
            }
          />
        )}
      </CardStates>
      {editing && (
        <QuotaEditDialog
          target={editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            state.retry();
          }}
        />
      )}
    </InfoCard>
  );
}
