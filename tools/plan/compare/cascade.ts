/** The deleteBeforeReplace cascade: what a resource deleted before its replacement takes along. */
import type { PlanDocumentResource } from "../document";
import type { ResourceChange } from "./model";
import { forcesReplacement } from "./replacement";
import { armTypeOf } from "./resources";

/**
 * A resource replaced with deleteBeforeReplace takes along each resource that takes a replacing
 * input from it (its parent's name, the scope it extends): the engine deletes those first and makes
 * them again ("it can cascade to dependent resources": Pulumi docs, resource option
 * deleteBeforeReplace). The same holds for what those take along, to a fixed point. A replacement
 * made before the old one is deleted (the default) keeps its dependents unless their inputs change,
 * which the offline plan cannot know: `pulumi preview` is the authority there.
 */
export function cascadeReplacements(changes: ResourceChange[], after: ReadonlyMap<string, PlanDocumentResource>): void {
  const byUrn = new Map(changes.map((change) => [change.urn, change]));
  const deletedFirst = (urn: string) => byUrn.get(urn)?.action === "replace" && (after.get(urn)?.deleteBeforeReplace ?? false);
  for (let grew = true; grew;) {
    grew = false;
    for (const next of after.values()) {
      const change = byUrn.get(next.urn);
      if (change?.action === "replace" || change?.action === "add") continue;
      const cause = Object.entries(next.propertyDependencies ?? {})
        .filter(([key]) => forcesReplacement({ type: next.type, replaceOnChanges: next.replaceOnChanges ?? [] }, [key]))
        .flatMap(([, urns]) => urns)
        .find(deletedFirst);
      if (!cause) continue;
      const replacedWith = after.get(cause)?.name ?? cause;
      if (change) Object.assign(change, { action: "replace", replacedWith });
      else {
        const added: ResourceChange = {
          action: "replace",
          urn: next.urn,
          type: next.type,
          name: next.name,
          ...armTypeOf(next),
          changes: [],
          blockedByProtect: next.protect,
          blockedByLock: false,
          replacedWith,
        };
        changes.push(added);
        byUrn.set(next.urn, added);
      }
      grew = true;
    }
  }
  changes.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
}
