export { Figure, FigureRow } from './Figure';
