import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { inferenceApiRef } from '../../api';
import { RetryableError } from '../CardStates';
import { SpendTrendChart } from '../SpendTrendChart';
import { ClusterCapacityTable } from './ClusterCapacityTable';
import { IdleSpendersTable } from './IdleSpendersTable';
import { CapacityChart, QuotaChart } from './PlatformCharts';
import { PlatformTotals } from './PlatformTotals';
import { PolicyViolationsTable } from './PolicyViolationsTable';
import { QuotaUseTable } from './QuotaUseTable';
import { SkippedObjectsTable } from './SkippedObjectsTable';
import { WorkloadFindingsTable } from './WorkloadFindingsTable';

function usePlatformData() {
  const api = useApi(inferenceApiRef);
  return useAsyncRetry(async () => {
    const [overview, workloads, usage] = await Promise.all([
      api.getPlatformOverview(),
      api.listWorkloads(),
      api.getUsage({ days: 30, granularity: 'day' }),
    ]);
    return { overview, workloads, usage };
  }, [api]);
}

/**
 * The governance page of the platform team: total GPU spend and idle share, quota use per team and GPU type,
 * capacity per cluster and pool, workloads with findings, policy violations and the top idle spenders.
 *
 * @public
 */
export function InferencePlatformPage() {
  const { value, loading, error, retry } = usePlatformData();

  let body;
  if (loading && !value) {
    body = <Progress />;
  } else if (error && !loading) {
    body = <RetryableError error={error} onRetry={retry} />;
  } else if (value) {
    const { overview, workloads, usage } = value;
    body = (
      <Grid container spacing={3}>
        <Grid item xs={12} md={7}>
          <PlatformTotals overview={overview} />
        </Grid>
        <Grid item xs={12} md={5}>
          <InfoCard title="GPU spend per day, 30 days">
            <SpendTrendChart
              points={usage.points}
              granularity={usage.granularity}
            />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <WorkloadFindingsTable workloads={workloads} />
        </Grid>
        <Grid item xs={12}>
          <QuotaUseTable quotas={overview.quotas} onChanged={retry} />
        </Grid>
        <Grid item xs={12}>
          <ClusterCapacityTable
            clusters={overview.clusters}
            capacity={overview.capacity}
          />
        </Grid>
        {overview.clusters.some(c => c.skippedObjects?.length) && (
          <Grid item xs={12}>
            <SkippedObjectsTable clusters={overview.clusters} />
          </Grid>
        )}
        <Grid item xs={12} md={6}>
          <InfoCard title="Quota per team">
            <QuotaChart quotas={overview.quotas} />
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={6}>
          <InfoCard title="GPUs per pool">
            <CapacityChart capacity={overview.capacity} />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <PolicyViolationsTable violations={overview.violations} />
        </Grid>
        <Grid item xs={12} md={6}>
          <IdleSpendersTable
            title="Top idle spenders by team, 30 days"
            kind="group"
            spenders={overview.idleByOwner}
          />
        </Grid>
        <Grid item xs={12} md={6}>
          <IdleSpendersTable
            title="Top idle spenders by service, 30 days"
            kind="component"
            spenders={overview.idleByService}
          />
        </Grid>
      </Grid>
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title="Inference platform"
        subtitle="GPU spend, quotas and capacity across every model service"
      />
      <Content>{body}</Content>
    </Page>
  );
}
