import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';

const useStyles = makeStyles(theme => ({
  ok: { color: theme.palette.success.main },
  warning: { color: theme.palette.warning.dark },
  error: { color: theme.palette.error.main },
}));

/**
 * One labelled number of a card ("Idle spend 38%"), with an optional line under it (a target, a comparison).
 * `tone` colours the value when it needs attention.
 */
export function Figure(props: {
  label: string;
  value: ReactNode;
  detail?: ReactNode;
  tone?: 'ok' | 'warning' | 'error';
}) {
  const classes = useStyles();
  return (
    <Box minWidth={110} role="group" aria-label={props.label}>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography
        variant="h6"
        component="div"
        className={props.tone ? classes[props.tone] : undefined}
      >
        {props.value}
      </Typography>
      {props.detail && (
        <Typography variant="caption" color="textSecondary" component="div">
          {props.detail}
        </Typography>
      )}
    </Box>
  );
}

/** A wrapping row of figures. */
export function FigureRow(props: { children: ReactNode }) {
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 24 }} my={1}>
      {props.children}
    </Box>
  );
}
