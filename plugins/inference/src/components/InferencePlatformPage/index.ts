export { InferencePlatformPage } from './InferencePlatformPage';
