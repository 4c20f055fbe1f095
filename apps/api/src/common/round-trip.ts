import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Exclude, Expose, plainToInstance, Transform } from 'class-transformer';
import { Allow, IsOptional, IsString, ValidateBy } from 'class-validator';
import { invalid } from '@app/domain';

/**
 * Round trips (README "Round trips"): a client may send back what GET returned, with a field
 * changed. Request DTOs declare the fields that GET adds, so the strict validation pipe tells them
 * from typos, which it still refuses by name. Everything here works at class-transformer's step
 * (plain body → DTO instance), so it applies at every nesting level with no code in controllers.
 */

const OUTPUT_ONLY = Symbol('output-only fields');

/**
 * A field GET returns that a request cannot set (`createdTime`, `links`, `status`, …): dropped
 * while the body becomes the DTO, so it is neither validated nor refused, and never reaches a
 * service. Also documented in the OpenAPI schema as read-only.
 */
export function OutputOnly(what = 'output only'): PropertyDecorator {
  return (target, key) => {
    const owner = target.constructor;
    Reflect.defineMetadata(OUTPUT_ONLY, [...outputOnlyFields(owner), String(key)], owner);
    Exclude({ toClassOnly: true })(target, key);
    // The class field itself exists (undefined) on every instance (ES2022 class fields), so the
    // whitelist must know it, or it would refuse a field that was never sent.
    Allow()(target, key);
    ApiPropertyOptional({ readOnly: true, description: `${what}; ignored when sent back (round trips)` })(target, key);
  };
}

/** The OutputOnly fields of a DTO class (PATCH ignores set operations on them). */
export function outputOnlyFields(dto: object): readonly string[] {
  return Reflect.getMetadata(OUTPUT_ONLY, dto) ?? [];
}

/** What GET adds to a stored resource with times and links: request DTOs extend it to take it back. */
export abstract class ReadBackTimes {
  @OutputOnly() createdTime?: number;
  @OutputOnly() lastUpdatedTime?: number;
  @OutputOnly() links?: object[];
}

/**
 * A field GET returns that names the resource, as a parameter of its path does (a job's `id`). A
 * request may carry it back, but one naming another resource is refused (checkSameAsPath) rather
 * than ignored: a body sent to the wrong path should not silently change the resource there.
 */
export function SameAsPath(param: string): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsString(),
    ApiPropertyOptional({ readOnly: true, description: `output only; when sent back it must be the path's ${param} (else 400)` }),
  );
}

/** 400 naming the first identity field of `sent` that differs from the path parameter it names. */
export function checkSameAsPath(fields: Record<string, [sent: string | undefined, path: string]>): void {
  for (const [field, [sent, path]] of Object.entries(fields)) {
    if (sent !== undefined && sent !== path) throw invalid(field, `is ${sent}, but the path names ${path}; it cannot be changed`);
  }
}

/** What an alias holds on the DTO when it disagrees with the field it spells: refused by validation. */
const DISAGREES = Symbol('disagrees with the field it spells');

/**
 * The Runner's spelling of a field, accepted beside ours (`repository.ref` for `branch`): a body
 * with only `alias` reads as if it had said the field; both at once must agree (else 400 naming
 * `alias`, at its depth: `repository.ref`), since one of them would otherwise be dropped without a
 * word. A class-typed field (`trigger`) gets its DTO built from the alias's value, as from its own.
 */
export function AlsoSpelled(alias: string): PropertyDecorator {
  return (target, key) => {
    const type: unknown = Reflect.getMetadata('design:type', target, key);
    const nested = typeof type === 'function' && ![String, Number, Boolean, Object, Array].includes(type as never);
    const field = String(key);
    // Exposed, so that its transform also runs when only the alias was sent.
    Expose({ toClassOnly: true })(target, key);
    Transform(
      ({ value, obj }) => {
        const spelled: unknown = obj[alias];
        if (spelled === undefined || obj[field] !== undefined) return value;
        return nested && spelled !== null && typeof spelled === 'object' ? plainToInstance(type as new () => object, spelled) : spelled;
      },
      { toClassOnly: true },
    )(target, key);
    // The alias itself keeps nothing on the DTO (undefined), or DISAGREES for validation to name.
    Transform(({ obj }) => (obj[field] !== undefined && JSON.stringify(obj[field]) !== JSON.stringify(obj[alias]) ? DISAGREES : undefined), {
      toClassOnly: true,
    })(target, alias);
    ValidateBy({
      name: 'runnerSpelling',
      validator: { validate: (value) => value !== DISAGREES, defaultMessage: () => `is the Runner's spelling of ${field}; send one of them, or the same value in both` },
    })(target, alias);
    ApiPropertyOptional({ type: type as never, description: `the Runner's spelling of \`${field}\`, accepted beside it` })(target, alias);
  };
}
