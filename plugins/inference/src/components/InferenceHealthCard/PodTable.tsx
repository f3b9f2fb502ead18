import { WorkloadPod } from '@inference-platform/plugin-inference-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import { HeadCell } from '../HeadCell';
import TableRow from '@material-ui/core/TableRow';

/** The reason a pod is not serving, from its first container that has one (CrashLoopBackOff, OOMKilled, …). */
export function podReason(pod: WorkloadPod): string {
  const container =
    pod.containers.find(c => c.reason) ?? pod.containers.find(c => !c.ready);
  if (!container) return pod.ready ? '–' : '';
  return container.reason
    ? `${container.name}: ${container.state} (${container.reason})`
    : `${container.name}: ${container.state}, not ready`;
}

/** Pods of a workload with phase and readiness, restarts and why they are not serving. */
export function PodTable(props: { pods: WorkloadPod[] }) {
  if (props.pods.length === 0) return null;
  return (
    <Table size="small" aria-label="pods">
      <TableHead>
        <TableRow>
          <HeadCell>Pod</HeadCell>
          <HeadCell>Phase</HeadCell>
          <HeadCell align="right">Restarts</HeadCell>
          <HeadCell>Why not serving</HeadCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.pods.map(pod => (
          <TableRow key={`${pod.namespace}/${pod.name}`}>
            <TableCell style={{ wordBreak: 'break-all' }}>{pod.name}</TableCell>
            <TableCell>
              {pod.phase}
              {pod.ready ? ', ready' : ', not ready'}
            </TableCell>
            <TableCell align="right">{pod.restarts}</TableCell>
            <TableCell>{podReason(pod)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
