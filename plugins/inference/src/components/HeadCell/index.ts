export { HeadCell } from './HeadCell';
