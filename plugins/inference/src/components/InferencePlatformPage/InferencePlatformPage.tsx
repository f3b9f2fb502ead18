import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { inferenceApiRef } from '../../api';

/**
 * The governance page of the platform team.
 *
 * @public
 */
export function InferencePlatformPage() {
  const api = useApi(inferenceApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getHealth(),
    [api],
  );

  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = (
      <>
        <ResponseErrorPanel error={error} />
        <Button variant="outlined" onClick={retry}>
          Retry
        </Button>
      </>
    );
  } else if (value) {
    body = (
      <InfoCard title="Inference backend">
        <StructuredMetadataTable
          metadata={{
            status: value.status,
            database: value.database.client,
            'database reachable': value.database.reachable ? 'yes' : 'no',
            'schema version': value.database.latestMigration ?? 'none',
          }}
        />
      </InfoCard>
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title="Inference platform"
        subtitle="GPU spend, quotas and capacity across every model service"
      />
      <Content>
        <ContentHeader title="Platform status" />
        {body}
      </Content>
    </Page>
  );
}
