import { useApi } from '@backstage/core-plugin-api';
import { ResponseErrorPanel } from '@backstage/core-components';
import {
  fleetCapacityByGpuType,
  knownGpuTypes,
} from '@inference-platform/plugin-inference-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { FormEvent, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { inferenceApiRef } from '../../api';
import { shortRef } from '../../format';

/** What the dialog edits: an existing line, or a new GPU type when `gpuType` is absent. */
export interface QuotaEditTarget {
  owner: string;
  gpuType?: string;
  limit?: number;
  used?: number;
  /** GPU types the owner has a line for already (not offered for a new line). */
  existing?: string[];
}

function LastChange(props: { owner: string; gpuType: string }) {
  const api = useApi(inferenceApiRef);
  const audit = useAsync(
    () => api.getQuotaAudit(props.owner, props.gpuType),
    [api, props.owner, props.gpuType],
  );
  const last = audit.value?.[audit.value.length - 1];
  if (!last) return null;
  return (
    <Typography variant="caption" color="textSecondary" component="div">
      {last.newLimit === null ? 'Removed' : `Last set to ${last.newLimit}`} by{' '}
      {shortRef(last.changedBy)} on {last.changedAt.slice(0, 10)}
      {last.reason ? `: ${last.reason}` : ''}
    </Typography>
  );
}

/** The GPU types a line may name, the fleet's pools first, and what the fleet has of each. */
function useGpuTypes() {
  const api = useApi(inferenceApiRef);
  return useAsync(async () => {
    const capacity = (await api.listClusters()).flatMap(c =>
      c.capacity ? [c.capacity] : [],
    );
    return {
      known: knownGpuTypes(capacity),
      capacity: fleetCapacityByGpuType(capacity),
    };
  }, [api]);
}

function GpuTypeSelect(props: {
  value: string;
  onChange(value: string): void;
  existing: string[];
  options?: { inFleet: string[]; inCatalog: string[] };
}) {
  const offered = (types: string[] = []) =>
    types.filter(t => !props.existing.includes(t));
  return (
    <TextField
      id="quota-gpu-type"
      label="GPU type"
      select
      SelectProps={{ native: true }}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      helperText="GPU types of the fleet's pools first, then the rest of the GPU catalog (MIG profiles as <product>-MIG-<profile>)"
      fullWidth
      margin="dense"
    >
      <option value="" disabled>
        {props.options ? 'Choose a GPU type' : 'Loading GPU types…'}
      </option>
      {props.options && (
        <>
          <optgroup label="In the fleet">
            {offered(props.options.inFleet).map(t => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </optgroup>
          <optgroup label="Other GPU types of the catalog">
            {offered(props.options.inCatalog).map(t => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </optgroup>
        </>
      )}
    </TextField>
  );
}

/**
 * Sets a team's GPU limit for one GPU type (picked from the fleet's pools and the GPU catalog), with a reason for the
 * audit log, or removes the line. Only rendered for holders of `inference.quota.update`; the backend checks the
 * permission again, and refuses to remove a line whose GPUs are held unless told to force it.
 */
export function QuotaEditDialog(props: {
  target: QuotaEditTarget;
  onClose(): void;
  onSaved(): void;
}) {
  const api = useApi(inferenceApiRef);
  const { target } = props;
  const types = useGpuTypes();
  const [gpuType, setGpuType] = useState(target.gpuType ?? '');
  const [limit, setLimit] = useState(String(target.limit ?? ''));
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<Error>();
  const [mayForce, setMayForce] = useState(false);

  const parsed = Number(limit);
  const valid =
    gpuType.trim() !== '' &&
    limit !== '' &&
    Number.isInteger(parsed) &&
    parsed >= 0;
  const belowUse = valid && target.used !== undefined && parsed < target.used;
  const fleetHas = types.value?.capacity.get(gpuType) ?? 0;
  const aboveFleet = valid && types.value !== undefined && parsed > fleetHas;

  const run = async (write: () => Promise<unknown>) => {
    setSaving(true);
    setError(undefined);
    try {
      await write();
      props.onSaved();
    } catch (e) {
      setError(e as Error);
      // a line whose GPUs are held: the refusal says by what, and forcing is the admin's call
      setMayForce((e as { statusCode?: number }).statusCode === 409);
      setSaving(false);
    }
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    await run(() =>
      api.updateQuota({
        owner: target.owner,
        gpuType: gpuType.trim(),
        limit: parsed,
        reason: reason.trim() || undefined,
      }),
    );
  };

  const remove = (force: boolean) =>
    run(() =>
      api.removeQuota({
        owner: target.owner,
        gpuType: target.gpuType!,
        reason: reason.trim() || undefined,
        force,
      }),
    );

  let limitHelp =
    'Charged at autoscaler ceiling: GPUs per replica × maxReplicas.';
  if (belowUse) {
    limitHelp = `Below the ${target.used} GPUs in use: running services keep them, new reservations are refused.`;
  } else if (aboveFleet) {
    limitHelp = `Above the ${fleetHas} GPUs of this type in the fleet: the quota promises GPUs that do not exist.`;
  }

  return (
    <Dialog open onClose={props.onClose} aria-labelledby="quota-edit-title">
      <form onSubmit={save}>
        <DialogTitle id="quota-edit-title">
          GPU quota of {shortRef(target.owner)}
        </DialogTitle>
        <DialogContent>
          {target.gpuType === undefined ? (
            <GpuTypeSelect
              value={gpuType}
              onChange={setGpuType}
              existing={target.existing ?? []}
              options={types.value?.known}
            />
          ) : (
            <TextField
              id="quota-gpu-type"
              label="GPU type"
              value={gpuType}
              disabled
              fullWidth
              margin="dense"
            />
          )}
          <TextField
            id="quota-limit"
            label="Limit (GPUs)"
            type="number"
            value={limit}
            onChange={e => setLimit(e.target.value)}
            inputProps={{ min: 0, step: 1 }}
            error={limit !== '' && !valid}
            helperText={limitHelp}
            fullWidth
            margin="dense"
          />
          <TextField
            id="quota-reason"
            label="Reason"
            value={reason}
            onChange={e => setReason(e.target.value)}
            helperText="Kept in the audit log"
            fullWidth
            margin="dense"
          />
          {target.gpuType && (
            <LastChange owner={target.owner} gpuType={target.gpuType} />
          )}
          {error && <ResponseErrorPanel error={error} />}
        </DialogContent>
        <DialogActions>
          {target.gpuType !== undefined &&
            (mayForce ? (
              <Button
                color="secondary"
                onClick={() => remove(true)}
                disabled={saving}
              >
                Remove anyway
              </Button>
            ) : (
              <Button
                color="secondary"
                onClick={() => remove(false)}
                disabled={saving}
              >
                Remove line
              </Button>
            ))}
          <Button onClick={props.onClose}>Cancel</Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={!valid || saving}
          >
            Save
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
