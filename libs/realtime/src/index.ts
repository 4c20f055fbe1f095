export * from './record-shape';
