export * from './roles';
export * from './errors';
export * from './execution-status';
export * from './secret-masker';
export * from './cron';
export * from './clock';
export * from './vpn-routing';
export * from './repository-url';
