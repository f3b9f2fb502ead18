export * from './oidcProvider';
export * from './oidcSignInSuite';
export * from './productionAuthSection';
export * from './signInWithOidc';
