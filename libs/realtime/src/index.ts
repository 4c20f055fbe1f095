export * from './record-shape';
export * from './webhook-target';
export * from './run-notice';
export * from './smtp-client';
