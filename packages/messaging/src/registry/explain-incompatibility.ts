import type { Compatibility } from '@ouro/contracts';
import avsc from 'avsc';

/** A version of a subject as the registry holds it; `schema` is the parsed Avro schema (JSON). */
export interface RegisteredVersion {
  readonly version: number;
  readonly schema: unknown;
}

interface Rule {
  /** The new schema must read what every checked version wrote (readers are upgraded first). */
  readonly backward: boolean;
  /** Every checked version must read what the new schema writes (writers are upgraded first). */
  readonly forward: boolean;
  /** Check every registered version, not only the latest. */
  readonly transitive: boolean;
}

const rules: Readonly<Record<Compatibility, Rule>> = {
  NONE: { backward: false, forward: false, transitive: false },
  BACKWARD: { backward: true, forward: false, transitive: false },
  BACKWARD_TRANSITIVE: { backward: true, forward: false, transitive: true },
  FORWARD: { backward: false, forward: true, transitive: false },
  FORWARD_TRANSITIVE: { backward: false, forward: true, transitive: true },
  FULL: { backward: true, forward: true, transitive: false },
  FULL_TRANSITIVE: { backward: true, forward: true, transitive: true },
};

/**
 * Why `candidate` breaks `compatibility` against the registered versions, one human reason per broken
 * reader/writer pair (empty when it does not). The registry only answers yes or no; Avro's own schema
 * resolution, as avsc implements it, tells which field is at fault.
 */
export function explainIncompatibility(
  compatibility: Compatibility,
  candidate: unknown,
  registered: readonly RegisteredVersion[],
): string[] {
  const rule = rules[compatibility];
  const newType = parseAvro(candidate);
  const reasons: string[] = [];
  for (const { version, schema } of versionsToCheck(registered, rule.transitive)) {
    const oldType = parseAvro(schema);
    const newCannotRead = rule.backward ? whyCannotRead(newType, oldType) : undefined;
    if (newCannotRead) reasons.push(`new schema cannot read version ${version}: ${newCannotRead}`);
    const oldCannotRead = rule.forward ? whyCannotRead(oldType, newType) : undefined;
    if (oldCannotRead) reasons.push(`version ${version} cannot read the new schema: ${oldCannotRead}`);
  }
  return reasons;
}

/** Why data written with `writer` cannot be decoded with `reader`, naming the field at fault; undefined when it can. */
export function whyCannotRead(reader: avsc.Type, writer: avsc.Type): string | undefined {
  return locate(reader, writer, '');
}

/**
 * avsc's schema definitions are typed narrower than the JSON a schema file or the registry holds; it
 * validates the schema itself and throws on an invalid one. Logical types are read as their underlying
 * types, which is what decides compatibility.
 */
export function parseAvro(schema: unknown): avsc.Type {
  return avsc.Type.forSchema(schema as Parameters<typeof avsc.Type.forSchema>[0]);
}

function versionsToCheck(registered: readonly RegisteredVersion[], transitive: boolean): readonly RegisteredVersion[] {
  const oldestFirst = [...registered].sort((a, b) => a.version - b.version);
  return transitive ? oldestFirst : oldestFirst.slice(-1);
}

/**
 * avsc's errors do not say where in the schema resolution failed, so descend into record fields,
 * array items and map values while they fail too, and report the deepest failure with its path.
 */
function locate(reader: avsc.Type, writer: avsc.Type, path: string): string | undefined {
  const failure = resolutionFailure(reader, writer);
  if (failure === undefined) return undefined;
  return deeperFailure(reader, writer, path) ?? describe(failure, reader, writer, path);
}

function resolutionFailure(reader: avsc.Type, writer: avsc.Type): Error | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function deeperFailure(reader: avsc.Type, writer: avsc.Type, path: string): string | undefined {
  if (reader instanceof avsc.types.RecordType && writer instanceof avsc.types.RecordType) {
    for (const field of reader.fields) {
      const written = writer.fields.find((candidate) => [field.name, ...(field.aliases ?? [])].includes(candidate.name));
      const failure = written ? locate(field.type, written.type, join(path, field.name)) : undefined;
      if (failure) return failure;
    }
    return undefined;
  }
  if (reader instanceof avsc.types.ArrayType && writer instanceof avsc.types.ArrayType) {
    return locate(reader.itemsType, writer.itemsType, `${path}[]`);
  }
  if (reader instanceof avsc.types.MapType && writer instanceof avsc.types.MapType) {
    return locate(reader.valuesType as avsc.Type, writer.valuesType as avsc.Type, `${path}{}`);
  }
  return undefined;
}

/** avsc's message rewritten for people: names the field and the types rather than printing schemas. */
function describe(failure: Error, reader: avsc.Type, writer: avsc.Type, path: string): string {
  const at = (problem: string) => (path ? `field "${path}": ${problem}` : problem);
  const missingDefault = /^no matching field for default-less .*\.([^.]+)$/.exec(failure.message);
  if (missingDefault?.[1]) return `field "${join(path, missingDefault[1])}" has no default`;
  if (reader instanceof avsc.types.EnumType && writer instanceof avsc.types.EnumType && reader.name === writer.name) {
    const unknown = writer.symbols.filter((symbol) => !reader.symbols.includes(symbol));
    return at(`enum ${shortName(reader)} has no symbol ${unknown.map((symbol) => `"${symbol}"`).join(', ')} and no default`);
  }
  if (failure.message.startsWith('no alias found')) {
    return at(`${shortName(writer)} cannot be read as ${shortName(reader)} (the names differ and no alias maps them)`);
  }
  if (failure.message.startsWith('cannot read')) return at(`${label(writer)} cannot be read as ${label(reader)}`);
  return at(failure.message);
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** A type as a person would name it: `string`, `OrderItem`, `["null","string"]`, `array<OrderItem>`. */
function label(type: avsc.Type): string {
  if (type instanceof avsc.types.UnwrappedUnionType || type instanceof avsc.types.WrappedUnionType) {
    return `[${type.types.map(label).join(',')}]`;
  }
  if (type instanceof avsc.types.ArrayType) return `array<${label(type.itemsType)}>`;
  if (type instanceof avsc.types.MapType) return `map<${label(type.valuesType as avsc.Type)}>`;
  return type.name ? shortName(type) : type.typeName;
}

function shortName(type: avsc.Type): string {
  return (type.name ?? type.typeName).split('.').pop() ?? type.typeName;
}
