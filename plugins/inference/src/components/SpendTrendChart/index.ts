export { SpendTrendChart, spendBars } from './SpendTrendChart';
