export { InferenceHealthCard } from './InferenceHealthCard';
