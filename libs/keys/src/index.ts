export * from './secret-box';
export * from './keys.module';
export * from './ssh-keys';
export * from './public-key';
export * from './key-deployer';
export * from './password-hasher';
export * from './known-hosts';
export * from './gateway-probe';
