/**
 * Catalog entity provider for the model services the inference templates applied without a git repository.
 *
 * @packageDocumentation
 */

export { catalogModuleInference as default } from './module';
export {
  ProvisionedEntityProvider,
  ENTITY_FILE,
} from './ProvisionedEntityProvider';
