export * from './TeamTenancy';
