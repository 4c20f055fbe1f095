export * from './runner-config';
export * from './config';
export { ConfigError } from './env-values';
export * from './process-lifecycle';
export * from './config.module';
export * from './json-logger';
export * from './version';
