import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/** Letters and digits only, lower case: what registry and storage account names allow. */
export function alphanumeric(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, "");
}

const NAME_SUFFIX_LENGTH = 8;

/**
 * A random suffix for the globally unique names (registry, storage account). Kept in state by
 * @pulumi/random, so it stays the same on every run of the stack.
 */
export function nameSuffix(name: string, parent: pulumi.Resource): random.RandomString {
  return new random.RandomString(
    `${name}-name-suffix`,
    { length: NAME_SUFFIX_LENGTH, special: false, upper: false, numeric: true, lower: true },
    { parent },
  );
}

/** `<prefix><suffix>`, with the prefix cut so the whole stays within `maxLength`. */
export function uniqueName(prefix: string, suffix: pulumi.Input<string>, maxLength: number): pulumi.Output<string> {
  return pulumi.output(suffix).apply((s) => `${alphanumeric(prefix).slice(0, maxLength - s.length)}${s}`);
}
