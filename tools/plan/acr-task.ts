// An ACR Task's definition travels base64-encoded (`encodedTaskContent`): the text plan and the
// comparison both decode it, to show what the task runs rather than a blob.
import { load } from "js-yaml";

/** A base64 ACR Task definition (YAML) as the object it encodes; undefined when it is not one. */
export function decodedTask(encoded: string): { steps?: { cmd?: unknown }[] } | undefined {
  try {
    const definition = load(Buffer.from(encoded, "base64").toString("utf8"));
    return definition !== null && typeof definition === "object" ? definition : undefined;
  } catch {
    return undefined;
  }
}
