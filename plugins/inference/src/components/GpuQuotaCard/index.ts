export { GpuQuotaCard } from './GpuQuotaCard';
