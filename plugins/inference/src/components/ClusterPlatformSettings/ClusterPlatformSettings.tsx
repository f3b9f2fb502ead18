import { useApi } from '@backstage/core-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Chip from '@material-ui/core/Chip';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { inferenceApiRef } from '../../api';
import { CardStates } from '../CardStates';
import { platformRows, platformSummaryLine } from './platformRows';

/**
 * Options of the `ClusterPlatformSettings` field.
 *
 * @public
 */
export type ClusterPlatformSettingsUiOptions = {
  /** The form field holding the target cluster (default `cluster`). */
  clusterField?: string;
};

/**
 * The platform settings of the cluster chosen elsewhere in the form (Prometheus, namespaces, model cache, download
 * rate, Pod Security), with the built-in defaults marked. Its value is the settings' summary on one line, so the
 * review step lists what the service will be rendered for.
 */
export function ClusterPlatformSettings(
  props: FieldExtensionComponentProps<string, ClusterPlatformSettingsUiOptions>,
) {
  const { formContext, uiSchema, schema, formData, onChange } = props;
  const clusterField = uiSchema?.['ui:options']?.clusterField ?? 'cluster';
  const chosen = formContext?.formData?.[clusterField];
  const cluster = typeof chosen === 'string' && chosen ? chosen : undefined;
  const api = useApi(inferenceApiRef);
  const { loading, error, value, retry } = useAsyncRetry(
    async () => (cluster ? api.getClusterPlatform(cluster) : undefined),
    [api, cluster],
  );
  // a value of another cluster (still loading the chosen one) or an error leaves the field empty
  const current = value && value.cluster === cluster ? value : undefined;
  const line = current && !error ? platformSummaryLine(current) : undefined;
  useEffect(() => {
    if (line !== formData) onChange(line);
  }, [line, formData, onChange]);

  return (
    <FormControl margin="normal" fullWidth>
      <FormLabel>{schema.title ?? 'Cluster platform settings'}</FormLabel>
      {cluster ? (
        <CardStates
          loading={loading}
          error={error}
          value={current}
          retry={retry}
        >
          {platform => (
            <Table size="small" aria-label={`Platform settings of ${cluster}`}>
              <TableBody>
                {platformRows(platform).map(row => (
                  <TableRow key={row.label}>
                    <TableCell component="th" scope="row">
                      {row.label}
                    </TableCell>
                    <TableCell title={row.source}>
                      {row.value}
                      {row.isDefault && (
                        <Chip
                          size="small"
                          label="default"
                          variant="outlined"
                          style={{ marginLeft: 8 }}
                        />
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardStates>
      ) : (
        <Typography variant="body2" color="textSecondary">
          Choose a cluster to see the platform settings its service will be
          rendered for.
        </Typography>
      )}
      <FormHelperText>
        {schema.description ??
          'From inference.platform in app-config; values marked default are built-in defaults (kube-prometheus-stack, ingress-nginx, KEDA HTTP add-on, EKS storage).'}
      </FormHelperText>
    </FormControl>
  );
}
