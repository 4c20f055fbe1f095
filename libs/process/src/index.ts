export * from './run-command';
export * from './run-guard';
