import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { SCOPE_MAP_NAME } from "../azure-facts";
import { PartContext } from "../context";
import { list, requireUnique } from "../setting-kinds";
import { Problems, ValidationError, read, show } from "../validation";

/** A repository-scoped token (a token can only do what its scope map allows). */
export interface TokenArgs {
  /** 5 to 50 letters, digits and '-'. */
  name: string;
  /** Default `true`. */
  enabled?: boolean;
}

/** Repository-scoped access: a scope map (the allowed actions) and the tokens that use it. */
export interface ScopeMapArgs {
  /** 5 to 50 letters, digits and '-'. */
  name: string;
  /** e.g. `repositories/app/content/read`, `repositories/app/content/write`. */
  actions: string[];
  tokens?: TokenArgs[];
}

export type ResolvedScopeMap = Omit<ScopeMapArgs, "tokens"> & { tokens: Required<TokenArgs>[] };

const ACTION = /^repositories\/[a-z0-9._/*-]+\/(content\/(read|write|delete)|metadata\/(read|write))$/;

function readScopeMap(value: unknown, setting: string): ResolvedScopeMap {
  const entry = read.object(setting, value, ["name", "actions", "tokens"]);
  const name = read.optionalString(`${setting}.name`, entry.name, SCOPE_MAP_NAME.pattern, SCOPE_MAP_NAME.rule);
  if (!name) throw new ValidationError(`${setting}.name`, `is missing: use ${SCOPE_MAP_NAME.rule}`);
  const actions = read.array(`${setting}.actions`, entry.actions).map((action, i) => {
    if (typeof action !== "string" || !ACTION.test(action)) {
      throw new ValidationError(
        `${setting}.actions[${i}]`,
        `${show(action)} is not allowed: use repositories/<repository>/content/read|write|delete or metadata/read|write`,
      );
    }
    return action;
  });
  if (actions.length === 0) throw new ValidationError(`${setting}.actions`, "is empty: a scope map needs at least one action");
  const tokens = read.array(`${setting}.tokens`, entry.tokens).map((token, i) => {
    const tokenSetting = `${setting}.tokens[${i}]`;
    const t = read.object(tokenSetting, token, ["name", "enabled"]);
    const tokenName = read.optionalString(`${tokenSetting}.name`, t.name, SCOPE_MAP_NAME.pattern, SCOPE_MAP_NAME.rule);
    if (!tokenName) throw new ValidationError(`${tokenSetting}.name`, `is missing: use ${SCOPE_MAP_NAME.rule}`);
    return { name: tokenName, enabled: read.boolean(`${tokenSetting}.enabled`, t.enabled, true) };
  });
  return { name, actions, tokens };
}

const scopeMapList = list("Repository-scoped access: scope maps (the allowed actions) and the tokens that use them", {
  type: "ScopeMapArgs",
  typeFrom: "./parts/scope-maps",
  read: readScopeMap,
});

/** The scope maps. Map names and token names become resource names: each must be unique, tokens across all maps. */
export const scopeMapsSetting: typeof scopeMapList = {
  ...scopeMapList,
  read: (value, setting) => {
    const maps = scopeMapList.read(value, setting);
    const problems = new Problems();
    problems.attempt(
      () =>
        requireUnique(
          setting,
          maps.map((map) => map.name),
          "scope map name",
        ),
      undefined,
    );
    const tokens = maps.flatMap((map) => map.tokens.map((token) => token.name));
    problems.attempt(() => requireUnique(setting, tokens, "token name, across all scope maps,"), undefined);
    problems.throwIfAny();
    return maps;
  },
};

/**
 * Repository-scoped access: a scope map per entry and its tokens. Azure hands out a token's
 * passwords only through the registry's generateCredentials action, once, which no provider
 * resource calls; a token's owner generates them (`az acr token credential generate`).
 */
export function createScopeMaps(
  ctx: PartContext,
  registryName: pulumi.Input<string>,
  scopeMaps: readonly ResolvedScopeMap[],
): containerregistry.Token[] {
  return scopeMaps.flatMap((scopeMap) => {
    const map = new containerregistry.ScopeMap(
      `${ctx.name}-scope-${scopeMap.name.toLowerCase()}`,
      { registryName, resourceGroupName: ctx.resourceGroupName, scopeMapName: scopeMap.name, actions: scopeMap.actions },
      { parent: ctx.parent },
    );
    return scopeMap.tokens.map(
      (token) =>
        new containerregistry.Token(
          `${ctx.name}-token-${token.name.toLowerCase()}`,
          {
            registryName,
            resourceGroupName: ctx.resourceGroupName,
            tokenName: token.name,
            scopeMapId: map.id,
            status: token.enabled ? "enabled" : "disabled",
          },
          // Password metadata, and any password generated later, come back in credentials.
          { parent: ctx.parent, additionalSecretOutputs: ["credentials"] },
        ),
    );
  });
}
