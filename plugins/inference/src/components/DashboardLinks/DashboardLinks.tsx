import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { LinkTarget, useInferenceLinks } from '../../hooks/useInferenceLinks';

/**
 * Links to the workload's Grafana dashboard and Prometheus graph; nothing when neither is configured.
 */
export function DashboardLinks(props: { target?: LinkTarget }) {
  const links = useInferenceLinks(props.target);
  if (!links.grafana && !links.prometheus) return null;
  return (
    <Box display="flex" style={{ gap: 16 }}>
      {links.grafana && <Link to={links.grafana}>Grafana dashboard</Link>}
      {links.prometheus && <Link to={links.prometheus}>Prometheus</Link>}
    </Box>
  );
}
