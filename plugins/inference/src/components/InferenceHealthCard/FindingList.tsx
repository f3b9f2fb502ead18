import {
  StatusError,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import {
  Finding,
  FindingEvidence,
  FindingKind,
} from '@inference-platform/plugin-inference-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';

/** What part of the stack a finding is about, so GPU-memory trouble stands out from the rest. */
export const FINDING_AREAS: Record<FindingKind, string> = {
  'cuda-oom': 'GPU memory',
  'kv-cache-too-small': 'GPU memory',
  'kv-cache-saturated': 'GPU memory',
  'host-oom-killed': 'Host memory',
  'insufficient-gpu': 'Scheduling',
  'image-pull': 'Image',
  'cuda-driver-insufficient': 'GPU driver',
  'no-gpu-device': 'GPU driver',
  'crash-loop': 'Crash loop',
  'replicas-below-desired': 'Replicas',
  'slow-model-load': 'Startup',
  'resource-quota-exceeded': 'Quota',
  'quota-mismatch': 'Quota',
  'ttft-slo-breached': 'SLO',
  'error-rate-high': 'SLO',
};

const useStyles = makeStyles(theme => ({
  finding: {
    borderLeft: `4px solid ${theme.palette.divider}`,
    paddingLeft: theme.spacing(1.5),
    marginBottom: theme.spacing(1.5),
  },
  critical: { borderLeftColor: theme.palette.error.main },
  warning: { borderLeftColor: theme.palette.warning.main },
  info: { borderLeftColor: theme.palette.info.main },
  evidence: {
    fontFamily: 'monospace',
    fontSize: '0.75rem',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  },
}));

function SeverityStatus(props: { finding: Finding }) {
  const title = <strong>{props.finding.title}</strong>;
  if (props.finding.severity === 'critical')
    return <StatusError>{title}</StatusError>;
  if (props.finding.severity === 'warning')
    return <StatusWarning>{title}</StatusWarning>;
  return <StatusPending>{title}</StatusPending>;
}

/** Identical observations on several pods (a crash loop hits every replica alike) are shown once. */
function groupEvidence(evidence: FindingEvidence[]) {
  const groups = new Map<string, { text: string; where: string[] }>();
  for (const item of evidence) {
    const group = groups.get(item.text) ?? { text: item.text, where: [] };
    const where = [item.pod, item.container].filter(Boolean).join('/');
    if (where) group.where.push(where);
    groups.set(item.text, group);
  }
  return [...groups.values()];
}

/** One diagnosed problem: what is wrong, the evidence it rests on and the fix in plain words. */
export function FindingItem(props: { finding: Finding }) {
  const classes = useStyles();
  const { finding } = props;
  return (
    <Box
      className={`${classes.finding} ${classes[finding.severity]}`}
      data-testid={`finding-${finding.kind}`}
    >
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <SeverityStatus finding={finding} />
        <Chip
          size="small"
          label={FINDING_AREAS[finding.kind] ?? finding.kind}
        />
      </Box>
      <Typography variant="body2">{finding.summary}</Typography>
      <Typography variant="body2">
        <strong>Fix: </strong>
        {finding.fix}
      </Typography>
      {groupEvidence(finding.evidence).map(group => (
        <Box key={group.text} mt={0.5}>
          {group.where.length > 0 && (
            <Typography variant="caption" color="textSecondary">
              {group.where.join(', ')}
            </Typography>
          )}
          <Typography className={classes.evidence} component="div">
            {group.text}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}

/** Findings, most severe first (the backend's order). */
export function FindingList(props: { findings: Finding[] }) {
  return (
    <Box>
      {props.findings.map(finding => (
        <FindingItem key={finding.id} finding={finding} />
      ))}
    </Box>
  );
}
