import { DynamicModule, Global, Module } from '@nestjs/common';
import { RunnerConfig } from './runner-config';

export const CONFIG = Symbol('RunnerConfig');

/** Holds the configuration that main.ts loaded and validated before Nest started. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: RunnerConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] };
  }
}
