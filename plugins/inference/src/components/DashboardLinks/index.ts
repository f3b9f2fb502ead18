export { DashboardLinks } from './DashboardLinks';
