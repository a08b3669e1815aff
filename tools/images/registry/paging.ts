/**
 * The Distribution API's paging (catalog, tag lists, and ACR's listings alike): a page, then
 * `Link: <…>; rel="next"` to the next one, until there is none.
 */
import type { RegistrySession } from "../auth/session";
import { field, RegistryError, responseError, type FailureContext } from "../errors";
import { readJson } from "../http";

export interface Listing<T> {
  /** Path of the first page, with its `n`. */
  first: string;
  scope: string;
  /** The items of a page; undefined when the page is malformed. */
  read: (page: unknown) => T[] | undefined;
  context: FailureContext;
}

/** The items of every page, page by page as they are read: a caller may stop early, and later pages are then not asked for. */
export async function* paged<T>(session: RegistrySession, listing: Listing<T>): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>();
  let next: string | undefined = listing.first;
  while (next !== undefined) {
    if (seen.has(next)) {
      throw new RegistryError(`${session.origin} pages in a loop while trying to ${listing.context.action}`, "protocol");
    }
    seen.add(next);
    const response = await session.request("GET", next, listing.scope);
    if (!response.ok) throw await responseError(response, session.origin, listing.context);
    const page = listing.read(await readJson(response, session.origin));
    if (page === undefined) {
      throw new RegistryError(`${session.origin} answered a malformed page while trying to ${listing.context.action}`, "protocol");
    }
    yield* page;
    const link = nextLink(response.headers.get("link"));
    next = link === undefined ? undefined : new URL(link, session.base).href;
  }
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The target of `rel="next"` in a Link header, e.g. `</v2/_catalog?last=b&n=2>; rel="next"`. */
function nextLink(header: string | null): string | undefined {
  for (const part of header?.split(/,(?=\s*<)/) ?? []) {
    const match = /<([^>]*)>(.*)/.exec(part);
    if (match && /;\s*rel="?next"?/i.test(match[2])) return match[1];
  }
  return undefined;
}

/** Reads the string list under `key` of a catalog or tag list page; undefined when malformed. */
export function stringsIn(key: "repositories" | "tags"): (page: unknown) => string[] | undefined {
  return (page) => {
    const items = field(page, key);
    // The Distribution registry answers `"tags": null` for a repository whose tags are all gone.
    if (items === null || items === undefined) return [];
    return Array.isArray(items) && items.every((item) => typeof item === "string") ? items : undefined;
  };
}
