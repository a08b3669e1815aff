import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { ResolvedArgs } from "./args";
import { PartContext } from "./context";

export interface RegistryPart {
  registry: containerregistry.Registry;
  /** Present only when the admin user is on; the password is a secret, the username (the registry name) is not. */
  adminCredentials?: { username: pulumi.Output<string>; password: pulumi.Output<string> };
}

/** The registry itself: SKU, admin user, anonymous pull off. */
export function createRegistry(ctx: PartContext, args: ResolvedArgs, registryName: pulumi.Input<string>): RegistryPart {
  const registry = new containerregistry.Registry(
    `${ctx.name}-registry`,
    {
      registryName,
      resourceGroupName: ctx.resourceGroupName,
      location: ctx.location,
      sku: { name: args.sku },
      adminUserEnabled: args.adminUserEnabled,
      anonymousPullEnabled: false,
      tags: ctx.tags,
    },
    { parent: ctx.parent, protect: ctx.protect },
  );

  // listRegistryCredentials fails when the admin user is off, so the plain boolean decides whether
  // to ask at all. Invoke results are never marked secret: wrap them here.
  if (!args.adminUserEnabled) return { registry };
  const credentials = containerregistry.listRegistryCredentialsOutput(
    { registryName: registry.name, resourceGroupName: ctx.resourceGroupName },
    { parent: ctx.parent },
  );
  return {
    registry,
    adminCredentials: {
      username: credentials.apply((c) => c.username ?? ""),
      password: pulumi.secret(credentials.apply((c) => c.passwords?.[0]?.value ?? "")),
    },
  };
}
