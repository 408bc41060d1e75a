// Validates values against the small JSON-schema subset the checks section uses (type, enum, const, properties,
// required, additionalProperties: false, items, minItems, minimum, exclusiveMinimum, minLength, pattern, anyOf),
// with messages that name the value's path and say what is allowed. A full validator would cost the CLI start-up
// time for no gain: the editor validates mlops.yaml with the complete schema.
import type { ConfigProblem } from './types';

export type Schema = Record<string, unknown>;

/** `checks[2].options.maxSize` for ['checks', 2, 'options', 'maxSize']. */
export function describePath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    '',
  );
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

const TYPE_WORDS: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'empty',
};

/** Problems of `value` against `schema`, appended to `problems` (none when it is valid). */
export function validateValue(
  schema: Schema,
  value: unknown,
  path: (string | number)[],
  problems: ConfigProblem[],
): void {
  const where = describePath(path);
  const push = (message: string, at: (string | number)[] = path): void => {
    problems.push({ path: at, message });
  };
  if (schema.anyOf) {
    const options = schema.anyOf as Schema[];
    if (!options.some((option) => valid(option, value))) {
      const scopeLike = path[path.length - 1] === 'scope';
      push(
        scopeLike
          ? `${where} must be one of models, datasets, notebooks, paths, or { kind, names, globs }.`
          : `${where} is not valid${typeof schema.description === 'string' ? `: ${schema.description}` : '.'}`,
      );
    }
    return;
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => hasType(value, t))) {
      push(`${where} must be ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}.`);
      return;
    }
  }
  if (schema.const !== undefined && value !== schema.const) push(`${where} must be ${JSON.stringify(schema.const)}.`);
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) {
    push(`${where} must be one of ${(schema.enum as unknown[]).map(String).join(', ')}.`);
    return;
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      push(`${where} must be at least ${schema.minimum}.`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
      push(`${where} must be more than ${schema.exclusiveMinimum}.`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) push(`${where} must not be empty.`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value))
      push(`${where} ('${value}') must match ${schema.pattern}.`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      push(`${where} must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}.`);
    if (schema.items)
      value.forEach((item, index) => validateValue(schema.items as Schema, item, [...path, index], problems));
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required as string[] | undefined) ?? []) {
      if (record[name] === undefined) push(`${where} is missing '${name}'.`);
    }
    for (const [name, child] of Object.entries(record)) {
      const childSchema = properties[name];
      if (childSchema) validateValue(childSchema, child, [...path, name], problems);
      else if (schema.additionalProperties === false) {
        const allowed = Object.keys(properties);
        push(`${where} has an unknown property '${name}'. Allowed: ${allowed.length ? allowed.join(', ') : 'none'}.`, [
          ...path,
          name,
        ]);
      }
    }
  }
}

function valid(schema: Schema, value: unknown): boolean {
  const problems: ConfigProblem[] = [];
  validateValue(schema, value, [], problems);
  return problems.length === 0;
}
