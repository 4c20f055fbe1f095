export * from './process-runner';
