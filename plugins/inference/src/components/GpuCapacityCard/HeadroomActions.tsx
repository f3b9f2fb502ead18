import { HeadroomVerdict } from '@inference-platform/plugin-inference-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { formatNumber } from '../../format';

/**
 * The verdict's sentence without the advice at its end: the panel lists the advice as actions instead of
 * repeating it.
 */
export function verdictSentence(verdict: HeadroomVerdict): string {
  let sentence = verdict.explanation;
  for (const action of verdict.actions) {
    sentence = sentence.replace(` ${action.text}`, '');
  }
  return sentence.trim();
}

/**
 * What the service's team can do, each with its numbers: what its current replicas lack today first, then what k×
 * load needs.
 */
export function HeadroomActions(props: { verdict: HeadroomVerdict }) {
  const { actions, loadMultiplier } = props.verdict;
  if (actions.length === 0) return null;
  return (
    <Box mt={1}>
      <Typography variant="subtitle2">What to do</Typography>
      <Box
        component="ul"
        aria-label="What to do"
        m={0}
        pl={0}
        style={{ listStyle: 'none' }}
      >
        {actions.map(action => (
          <Box component="li" key={action.text} display="flex" mb={0.5}>
            <Chip
              size="small"
              label={
                action.for === 'today'
                  ? 'today'
                  : `at ${formatNumber(loadMultiplier)}×`
              }
              color={action.for === 'today' ? 'secondary' : 'default'}
              style={{ marginRight: 8 }}
            />
            <Typography variant="body2" component="span">
              {action.text}
            </Typography>
          </Box>
        ))}
      </Box>
    </Box>
  );
}
