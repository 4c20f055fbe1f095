import type { NextFunction, Request, Response } from 'express';
import type { FieldError } from '@app/domain';

/** Deeper than any body of the API (a job is about 5 levels); far below what overflows a recursive walk. */
const MAX_DEPTH = 32;

// A NUL, or half of a UTF-16 surrogate pair (JSON's "\ud800" parses to one; it is not Unicode).
const UNSAFE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Refuses, with a 400 naming the field, what no endpoint can store or check safely: NUL and invalid
 * Unicode in the path, the query and every string and key of a JSON body (PostgreSQL refuses NUL in
 * text, which was a 500), and bodies nested deeper than MAX_DEPTH (validation walks them
 * recursively, which overflowed the stack on a 5,000-deep body). One place, before any controller.
 */
export function refuseHostileInput(request: Request, response: Response, next: NextFunction): void {
  const problem = urlProblem(request.originalUrl) ?? bodyProblem(request.body);
  if (!problem) return next();
  response.status(400).json({ message: `${problem.field}: ${problem.message}`, errors: [problem] });
}

function urlProblem(url: string): FieldError | null {
  const [pathPart, query = ''] = url.split('?', 2);
  for (const [field, raw] of [['path', pathPart], ['query', query]] as const) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      return { field, message: 'is not valid percent-encoded UTF-8' };
    }
    if (UNSAFE.test(decoded)) return { field, message: 'must not contain NUL or invalid Unicode' };
  }
  return null;
}

/** An explicit stack, not recursion: the walk must not itself be the thing a deep body overflows. */
function bodyProblem(body: unknown): FieldError | null {
  const stack: { value: unknown; field: string; depth: number }[] = [{ value: body, field: 'body', depth: 0 }];
  while (stack.length) {
    const { value, field, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSAFE.test(value)) return { field, message: 'must not contain NUL or invalid Unicode' };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_DEPTH) return { field, message: `nests deeper than ${MAX_DEPTH} levels` };
    for (const [key, child] of Object.entries(value)) {
      const childField = field === 'body' ? key : `${field}.${key}`;
      if (UNSAFE.test(key)) return { field, message: 'has a key with NUL or invalid Unicode' };
      // JSON.parse makes "__proto__" an own key, which validation libraries then skip or assign to the prototype.
      if (key === '__proto__') return { field: childField, message: 'is not a known field' };
      stack.push({ value: child, field: childField, depth: depth + 1 });
    }
  }
  return null;
}
