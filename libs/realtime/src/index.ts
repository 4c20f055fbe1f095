export * from './record-shape';
export * from './webhook-target';
