import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldError } from '@app/domain';

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      // class-validator says "property x should not exist"; say it in the API's words.
      message: message.startsWith('property ')
        ? 'is not a known field'
        : message.startsWith(`${error.property} `)
          ? message.slice(error.property.length + 1)
          : message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Bodies must be JSON objects: an array or a bare value is refused before field validation. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Array bodies (PATCH operations) are checked by their own ParseArrayPipe.
    if (metadata.type === 'body' && metadata.metatype !== Array) {
      // No body at all (a bare POST …/stop) is an empty object; anything else must be an object.
      if (value === undefined) value = {};
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new DomainError('validation', 'The request body must be a JSON object');
      }
    }
    return super.transform(value, metadata);
  }
}

/**
 * Strict DTO validation: unknown fields are rejected naming the field, every error names its field
 * (`hosts.0.id`), and the body of the 400 is `{message, errors: [{field, message}]}`.
 */
export function strictValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      const first = fieldErrors[0];
      const message = first ? `${first.field}: ${first.message}` : 'The request is not valid';
      return new DomainError('validation', message, fieldErrors);
    },
  });
}
