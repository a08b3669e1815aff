/**
 * The Pulumi package that lets Python, Go, .NET, Java and YAML programs use the ContainerRegistry
 * component (`pulumi package add <this repository>`): the SDK's component provider
 * (`@pulumi/pulumi/provider/experimental`), which reads the package schema from the TypeScript types
 * with its analyzer (the constructor's `args` interface gives the inputs, the class's properties the
 * outputs) and constructs the component when a program asks for it. The analyzer has no way to say
 * that an output is a secret, so the schema it generates is given the component's SECRET_OUTPUTS here.
 *
 * The analyzer reads a subset of TypeScript; what it refused here, and how the types were shaped for
 * it, is in docs/multi-language.md.
 */
import * as path from "path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { CONTAINER_REGISTRY_TYPE, ContainerRegistry, SECRET_OUTPUTS } from "../components/container-registry";

/** The package's name: the first part of the component's type token, so URNs stay as they are. */
export const PACKAGE_NAME = CONTAINER_REGISTRY_TYPE.split(":")[0];

/** The repository: where package.json, tsconfig.json and the sources the analyzer reads are. */
const ROOT = path.join(__dirname, "..");

/** A property of the package schema, as far as this project reads it. */
export interface SchemaProperty {
  type?: string;
  $ref?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  plain?: boolean;
  secret?: boolean;
  description?: string;
}

/** The package schema (Pulumi's package schema format), as far as this project reads it. */
export interface PackageSchema {
  name: string;
  version: string;
  namespace?: string;
  resources: Record<
    string,
    {
      isComponent: boolean;
      inputProperties: Record<string, SchemaProperty>;
      requiredInputs: string[];
      properties: Record<string, SchemaProperty>;
      required: string[];
    }
  >;
  types: Record<string, { type: string; properties?: Record<string, SchemaProperty>; enum?: { name: string; value: string | number }[] }>;
}

/** The component provider of this package: the SDK's, with the secret outputs marked in its schema. */
export class AcrInfraProvider extends ComponentProvider {
  constructor() {
    super({ name: PACKAGE_NAME, dirname: ROOT, components: [ContainerRegistry] });
  }

  override async getSchema(): Promise<string> {
    const schema = JSON.parse(await super.getSchema()) as PackageSchema;
    const outputs = schema.resources[CONTAINER_REGISTRY_TYPE]?.properties ?? {};
    for (const name of SECRET_OUTPUTS) {
      if (!outputs[name]) throw new Error(`${CONTAINER_REGISTRY_TYPE} has no output ${name} to mark secret`);
      outputs[name].secret = true;
    }
    return JSON.stringify(schema);
  }
}

/** The package schema, generated in-process from the TypeScript sources (no Pulumi CLI). */
export async function packageSchema(): Promise<PackageSchema> {
  return JSON.parse(await new AcrInfraProvider().getSchema()) as PackageSchema;
}
