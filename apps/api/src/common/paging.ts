import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * An optional whole-number query parameter (`?page=`, `?size=`, `?afterCounter=`): at least `minimum`,
 * at most `maximum` when given, `default` when left out, a 400 naming it otherwise.
 */
export const CountParameter = (options: { minimum: number; maximum?: number; default: number }): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional(options),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(options.minimum),
    ...(options.maximum === undefined ? [] : [Max(options.maximum)]),
  );

/** `?page=0&size=100`: page 0-based, size 1-100 (default 100); out of range is a 400. */
export class PageQuery {
  @CountParameter({ minimum: 0, default: 0 })
  page: number = 0;

  @CountParameter({ minimum: 1, maximum: 100, default: 100 })
  size: number = 100;
}
