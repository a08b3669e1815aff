import * as fs from "fs";
import * as path from "path";

/**
 * A small checker of a request body against an Azure OpenAPI (Swagger 2.0) definition, enough for
 * ARM resource bodies: object properties (with allOf), unknown and read-only properties, required
 * properties, enums, primitive types, arrays, maps (additionalProperties) and integer ranges.
 */
interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  readOnly?: boolean;
  enum?: unknown[];
  allOf?: Schema[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  minimum?: number;
  maximum?: number;
}

export interface ApiSpec {
  source: { repository: string; commit: string; path: string; apiVersion: string };
  definitions: Record<string, Schema>;
}

const SPEC_DIR = path.join(__dirname, "..", "fixtures", "azure-specs");

/** The stored extract of Microsoft's OpenAPI specification of the registry at an API version. */
export function registrySpec(apiVersion: string): ApiSpec {
  return JSON.parse(fs.readFileSync(path.join(SPEC_DIR, `registry-${apiVersion}.json`), "utf8")) as ApiSpec;
}

/** Problems of `value` against the named definition; empty when it conforms. */
export function checkAgainst(spec: ApiSpec, definition: string, value: unknown): string[] {
  const resolve = (schema: Schema): Schema => (schema.$ref ? resolve(spec.definitions[schema.$ref.replace("#/definitions/", "")]) : schema);
  /** Own and inherited (allOf) properties and required names. */
  const flatten = (schema: Schema): { properties: Record<string, Schema>; required: string[] } => {
    const own = resolve(schema);
    const inherited = (own.allOf ?? []).map(flatten);
    return {
      properties: Object.assign({}, ...inherited.map((i) => i.properties), own.properties),
      required: [...inherited.flatMap((i) => i.required), ...(own.required ?? [])],
    };
  };
  const problems: string[] = [];
  const visit = (schemaRef: Schema, item: unknown, where: string) => {
    const schema = resolve(schemaRef);
    if (schema.enum && !schema.enum.includes(item))
      problems.push(`${where}: ${JSON.stringify(item)} is not one of ${JSON.stringify(schema.enum)}`);
    const { properties, required } = flatten(schema);
    const isObject = schema.type === "object" || Object.keys(properties).length > 0 || schema.additionalProperties !== undefined;
    if (isObject) {
      if (item === null || typeof item !== "object" || Array.isArray(item)) {
        problems.push(`${where}: expected an object, got ${JSON.stringify(item)}`);
        return;
      }
      for (const name of required) if (!(name in item)) problems.push(`${where}.${name}: required, missing`);
      for (const [key, child] of Object.entries(item as Record<string, unknown>)) {
        const here = `${where}.${key}`;
        const declared = properties[key];
        if (declared) {
          if (declared.readOnly || resolve(declared).readOnly) problems.push(`${here}: read-only, must not be sent`);
          visit(declared, child, here);
        } else if (typeof schema.additionalProperties === "object") {
          visit(schema.additionalProperties, child, here);
        } else if (schema.additionalProperties !== true) {
          problems.push(`${here}: not a property of this API version`);
        }
      }
      return;
    }
    switch (schema.type) {
      case "string":
        if (typeof item !== "string") problems.push(`${where}: expected a string, got ${JSON.stringify(item)}`);
        break;
      case "boolean":
        if (typeof item !== "boolean") problems.push(`${where}: expected a boolean, got ${JSON.stringify(item)}`);
        break;
      case "integer":
        if (!Number.isInteger(item)) problems.push(`${where}: expected an integer, got ${JSON.stringify(item)}`);
        else if (
          (schema.minimum !== undefined && (item as number) < schema.minimum) ||
          (schema.maximum !== undefined && (item as number) > schema.maximum)
        )
          problems.push(`${where}: ${String(item)} is outside ${schema.minimum ?? "-∞"}..${schema.maximum ?? "∞"}`);
        break;
      case "array":
        if (!Array.isArray(item)) problems.push(`${where}: expected an array, got ${JSON.stringify(item)}`);
        else item.forEach((element, i) => visit(schema.items ?? {}, element, `${where}[${i}]`));
        break;
    }
  };
  visit({ $ref: `#/definitions/${definition}` }, value, definition);
  return problems;
}
