import * as pulumi from "@pulumi/pulumi";

/** What every part of the component needs to declare its resources. */
export interface PartContext {
  /** The component's name: every child is named from it, so two instances in one stack never collide. */
  name: string;
  /** The component: every child's parent. */
  parent: pulumi.ComponentResource;
  resourceGroupName: pulumi.Output<string>;
  location?: string;
  /** Tags for every taggable resource. */
  tags: Record<string, string>;
  /** Protect the stateful resources (registry, storage) against deletion. */
  protect: boolean;
}
