export { CardStates, RetryableError } from './CardStates';
