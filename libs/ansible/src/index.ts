export * from './process-runner';
export * from './workspace';
export * from './extra-vars';
export * from './ssh-agent';
export * from './git-checkout';
export * from './ansible-event';
export * from './sandbox';
export * from './run-limits';
