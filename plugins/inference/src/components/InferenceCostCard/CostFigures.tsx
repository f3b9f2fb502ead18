import { CostWindow } from '@inference-platform/plugin-inference-common';
import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import {
  formatNumber,
  formatPercent,
  formatShare,
  formatUsd,
} from '../../format';
import { Figure, FigureRow } from '../Figure';

/** Idle share above which the spend is flagged: more than a third of the GPU time is paid for but not used. */
const IDLE_WARNING_PERCENT = 33;

/** The backend adds the share of GPU-hours that had a utilisation metric to each window. */
type MeasuredCostWindow = CostWindow & { measuredShare?: number };

function SaasComparison(props: { window: CostWindow }) {
  const { summary } = props.window;
  const tokens = summary.tokens.inputTokens + summary.tokens.outputTokens;
  if (summary.saasComparison.length === 0) return null;
  if (tokens === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No tokens counted in this period, so there is nothing to compare with a
        hosted API.
      </Typography>
    );
  }
  return (
    <Box mt={1}>
      <Typography variant="body2">
        The same {formatNumber(tokens)} tokens on a hosted API:
      </Typography>
      {summary.saasComparison.map(saas => (
        <Typography variant="body2" key={saas.name} component="div">
          {saas.name}: <strong>{formatUsd(saas.costUsd)}</strong>
          {saas.ratio !== undefined &&
            ` (self-hosted costs ${formatNumber(saas.ratio)}× that)`}
        </Typography>
      ))}
    </Box>
  );
}

function Prices(props: { window: CostWindow }) {
  const { byGpuType, unpricedGpuTypes } = props.window.summary;
  return (
    <Box mt={1}>
      {byGpuType.map(price => (
        <Typography
          variant="caption"
          color="textSecondary"
          component="div"
          key={`${price.gpuType}-${price.usdPerGpuHour}`}
        >
          {price.gpuType}: {formatUsd(price.usdPerGpuHour)} per GPU-hour,{' '}
          {formatNumber(price.gpuHours)} GPU-hours
          {price.isDefaultPrice && (
            <Tooltip title="A built-in list price. Set inference.prices in app-config to use your own rates.">
              <span>
                {' '}
                · <strong>default price</strong>
              </span>
            </Tooltip>
          )}
        </Typography>
      ))}
      {unpricedGpuTypes.length > 0 && (
        <Typography variant="caption" color="error" component="div">
          No price for {unpricedGpuTypes.join(', ')}: their GPU-hours are
          counted but not priced. Add them to inference.prices.
        </Typography>
      )}
    </Box>
  );
}

/**
 * The numbers of one cost window: spend, GPU-hours, idle share, cost per million tokens, the hosted-API
 * comparison and the prices used.
 */
export function CostFigures(props: { window: MeasuredCostWindow }) {
  const { summary, measuredShare } = props.window;
  return (
    <>
      <FigureRow>
        <Figure label="GPU spend" value={formatUsd(summary.costUsd)} />
        <Figure
          label="Idle spend"
          value={formatPercent(summary.idlePercent)}
          detail={`${formatUsd(summary.idleCostUsd)} on idle GPUs`}
          tone={
            summary.idlePercent > IDLE_WARNING_PERCENT ? 'warning' : undefined
          }
        />
        <Figure label="GPU-hours" value={formatNumber(summary.gpuHours)} />
        <Figure
          label="Per million tokens"
          value={formatUsd(summary.costPerMillionTokensUsd)}
        />
      </FigureRow>
      {measuredShare !== undefined &&
        summary.gpuHours > 0 &&
        measuredShare < 0.995 && (
          <Typography variant="caption" color="textSecondary" component="div">
            Idle share measured on {formatShare(measuredShare)} of the
            GPU-hours; the rest had no utilisation metric and counts as busy.
          </Typography>
        )}
      <SaasComparison window={props.window} />
      <Prices window={props.window} />
    </>
  );
}
