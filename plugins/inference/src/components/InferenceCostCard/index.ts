export { InferenceCostCard } from './InferenceCostCard';
