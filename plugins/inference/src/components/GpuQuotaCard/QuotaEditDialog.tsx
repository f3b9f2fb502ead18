import { useApi } from '@backstage/core-plugin-api';
import { ResponseErrorPanel } from '@backstage/core-components';
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
      Last set to {last.newLimit} by {shortRef(last.changedBy)} on{' '}
      {last.changedAt.slice(0, 10)}
      {last.reason ? `: ${last.reason}` : ''}
    </Typography>
  );
}

/**
 * Sets a team's GPU limit for one GPU type, with a reason for the audit log. Only rendered for holders of
 * `inference.quota.update`; the backend checks the permission again.
 */
export function QuotaEditDialog(props: {
  target: QuotaEditTarget;
  onClose(): void;
  onSaved(): void;
}) {
  const api = useApi(inferenceApiRef);
  const { target } = props;
  const [gpuType, setGpuType] = useState(target.gpuType ?? '');
  const [limit, setLimit] = useState(String(target.limit ?? ''));
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<Error>();

  const parsed = Number(limit);
  const valid =
    gpuType.trim() !== '' &&
    limit !== '' &&
    Number.isInteger(parsed) &&
    parsed >= 0;
  const belowUse = valid && target.used !== undefined && parsed < target.used;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    setSaving(true);
    setError(undefined);
    try {
      await api.updateQuota({
        owner: target.owner,
        gpuType: gpuType.trim(),
        limit: parsed,
        reason: reason.trim() || undefined,
      });
      props.onSaved();
    } catch (e) {
      setError(e as Error);
      setSaving(false);
    }
  };

  return (
    <Dialog open onClose={props.onClose} aria-labelledby="quota-edit-title">
      <form onSubmit={save}>
        <DialogTitle id="quota-edit-title">
          GPU quota of {shortRef(target.owner)}
        </DialogTitle>
        <DialogContent>
          <TextField
            id="quota-gpu-type"
            label="GPU type"
            value={gpuType}
            onChange={e => setGpuType(e.target.value)}
            disabled={target.gpuType !== undefined}
            helperText="The nvidia.com/gpu.product label, e.g. NVIDIA-H100-80GB-HBM3"
            fullWidth
            margin="dense"
          />
          <TextField
            id="quota-limit"
            label="Limit (GPUs)"
            type="number"
            value={limit}
            onChange={e => setLimit(e.target.value)}
            inputProps={{ min: 0, step: 1 }}
            error={limit !== '' && !valid}
            helperText={
              belowUse
                ? `Below the ${target.used} GPUs in use: running services keep them, new reservations are refused.`
                : 'Charged at autoscaler ceiling: GPUs per replica × maxReplicas.'
            }
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
