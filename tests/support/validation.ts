import { ValidationError, resolveArgs } from "../../components";

/** An object id for role assignments and identities. */
export const GUID = "11111111-2222-3333-4444-555555555555";

/** The message a user reads for these args, or undefined when they are accepted. */
export function messageFor(args: unknown): string | undefined {
  try {
    resolveArgs(args);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
}
