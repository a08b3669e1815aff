// The entry point PulumiPlugin.yaml names: the Pulumi CLI starts it (through @pulumi/pulumi's
// run-plugin, which loads TypeScript) when a program in another language uses the package, and it
// serves the component provider over gRPC, as the SDK's componentProviderHost does; this one's
// schema also marks the secret outputs (see ./schema.ts).
import { main } from "@pulumi/pulumi/provider";
import { AcrInfraProvider } from "./schema";

void main(new AcrInfraProvider(), process.argv.slice(2));
