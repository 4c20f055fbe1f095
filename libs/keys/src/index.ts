export * from './secret-box';
export * from './keys.module';
