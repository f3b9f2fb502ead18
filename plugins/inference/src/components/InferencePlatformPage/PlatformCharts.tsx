import {
  ClusterCapacity,
  QuotaStanding,
} from '@inference-platform/plugin-inference-common';
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
import { shortRef } from '../../format';

function StackedGpuChart(props: {
  label: string;
  data: Array<Record<string, string | number>>;
  bars: Array<{ key: string; name: string; color: string }>;
}) {
  return (
    <div role="img" aria-label={props.label}>
      {/* horizontal bars: the category names (team and GPU type, cluster and pool) are too long for an x axis */}
      <ResponsiveContainer width="100%" height={70 + props.data.length * 30}>
        <BarChart
          data={props.data}
          layout="vertical"
          margin={{ top: 8, right: 16, left: 0, bottom: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" fontSize={11} allowDecimals={false} />
          <YAxis
            type="category"
            dataKey="name"
            fontSize={11}
            width={170}
            interval={0}
          />
          <Tooltip />
          <Legend />
          {props.bars.map(bar => (
            <Bar
              key={bar.key}
              dataKey={bar.key}
              name={bar.name}
              stackId="gpus"
              fill={bar.color}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Allocated and free GPUs per cluster and pool. */
export function CapacityChart(props: { capacity: ClusterCapacity[] }) {
  const theme = useTheme();
  const data = props.capacity.flatMap(c =>
    c.pools.map(pool => ({
      name: `${c.cluster}/${pool.pool}`,
      allocated: pool.allocated,
      free: pool.free,
    })),
  );
  return (
    <StackedGpuChart
      label="Allocated and free GPUs per cluster and pool"
      data={data}
      bars={[
        {
          key: 'allocated',
          name: 'Allocated GPUs',
          color: theme.palette.primary.main,
        },
        { key: 'free', name: 'Free GPUs', color: theme.palette.success.main },
      ]}
    />
  );
}

/** Used, reserved and free quota per team and GPU type. */
export function QuotaChart(props: { quotas: QuotaStanding[] }) {
  const theme = useTheme();
  const data = props.quotas.map(q => ({
    name: `${shortRef(q.owner)} ${q.gpuType.replace(/^NVIDIA-/, '')}`,
    used: q.used,
    reserved: q.reserved,
    free: Math.max(0, q.headroom ?? 0),
  }));
  return (
    <StackedGpuChart
      label="Quota used, reserved and free per team and GPU type"
      data={data}
      bars={[
        { key: 'used', name: 'Used', color: theme.palette.primary.main },
        {
          key: 'reserved',
          name: 'Reserved',
          color: theme.palette.warning.main,
        },
        { key: 'free', name: 'Free', color: theme.palette.success.main },
      ]}
    />
  );
}
