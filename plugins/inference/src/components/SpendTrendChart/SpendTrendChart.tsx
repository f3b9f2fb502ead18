import { UsagePoint } from '@inference-platform/plugin-inference-common';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatUsd } from '../../format';

interface SpendBar {
  label: string;
  busy: number;
  idle: number;
}

/** Splits each bucket's spend into its busy and idle part, labelled for the axis. */
export function spendBars(
  points: UsagePoint[],
  granularity: 'hour' | 'day',
): SpendBar[] {
  return points.map(point => {
    const cost = point.costUsd ?? 0;
    const idle = Math.min(cost, point.idleCostUsd ?? 0);
    const iso = point.t;
    const label =
      granularity === 'day'
        ? iso.slice(5, 10)
        : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
    return { label, busy: cost - idle, idle };
  });
}

/**
 * Spend per day or hour as stacked bars, busy below and idle on top, so a growing idle share is visible.
 */
export function SpendTrendChart(props: {
  points: UsagePoint[];
  granularity: 'hour' | 'day';
  height?: number;
}) {
  const theme = useTheme();
  if (props.points.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No usage recorded in this period yet.
      </Typography>
    );
  }
  const bars = spendBars(props.points, props.granularity);
  const total = bars.reduce((sum, bar) => sum + bar.busy + bar.idle, 0);
  return (
    <div
      role="img"
      aria-label={`${formatUsd(total)} of GPU spend over ${bars.length} ${
        props.granularity
      }${bars.length === 1 ? '' : 's'}`}
    >
      <ResponsiveContainer width="100%" height={props.height ?? 150}>
        <BarChart data={bars} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" fontSize={11} />
          <YAxis
            fontSize={11}
            width={56}
            tickFormatter={value => formatUsd(Number(value))}
          />
          <Tooltip formatter={value => formatUsd(Number(value))} />
          <Legend />
          <Bar
            dataKey="busy"
            name="Busy GPU spend"
            stackId="spend"
            fill={theme.palette.primary.main}
            isAnimationActive={false}
          />
          <Bar
            dataKey="idle"
            name="Idle GPU spend"
            stackId="spend"
            fill={theme.palette.warning.main}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
