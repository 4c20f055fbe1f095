import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Access, ACCESS } from './access';

/** Stops start-up if any route forgot its access rule, or names a permission without an `:alias`. */
@Injectable()
export class RouteAudit implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    const problems: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
      for (const name of this.scanner.getAllMethodNames(type.prototype)) {
        const handler = type.prototype[name];
        const path = Reflect.getMetadata(PATH_METADATA, handler);
        if (path === undefined) continue;
        const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, [handler, type]);
        const route = `${type.name}.${name} (${base}/${String(path)})`;
        if (!access) problems.push(`${route} declares no access rule`);
        else if (access.kind === 'alias' && !`${base}/${String(path)}`.includes(':alias')) {
          problems.push(`${route} requires a permission but has no :alias`);
        }
      }
    }
    if (problems.length) throw new Error(`Route audit failed:\n  ${problems.join('\n  ')}`);
  }
}
