export { GpuCapacityCard } from './GpuCapacityCard';
