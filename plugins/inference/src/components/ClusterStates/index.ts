export { ClusterStates, clusterStateText, isOutdated } from './ClusterStates';
