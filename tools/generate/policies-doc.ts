import {
  AcrPolicy,
  customerManagedKey,
  policies,
  quarantineEnabled,
  resourceLogsByCategoryGroup,
  skuStandardOrPremium,
} from "../../policy/rules";

/** Where the rendered page lives, relative to the repository root. */
export const POLICIES_DOC = "docs/policies.md";

/** A table cell: a `|` inside it would end the cell early. */
const cell = (text: string) => text.replace(/\|/g, "\\|");

const code = (text: string) => `\`${text}\``;

function row(policy: AcrPolicy): string {
  const where = policy.inPolicyPack ? "preview and offline plan" : "offline plan only";
  return `| ${[code(policy.name), cell(policy.description), policy.enforcementLevel, policy.productionEnforcementLevel, where].join(" | ")} |`;
}

/**
 * docs/policies.md, from the rules themselves (policy/rules.ts): their names, descriptions and
 * levels are written once, there. Pure, so a test can say when the committed page has drifted.
 */
export function renderPoliciesDoc(): string {
  const raised = policies.filter((p) => p.inPolicyPack && p.productionEnforcementLevel !== p.enforcementLevel).map((p) => code(p.name));
  return [
    "<!-- Generated from policy/rules.ts by tools/generate/policies-doc.ts: edit those, then run `npm run generate`. -->",
    "",
    "# Security policies",
    "",
    "`policy/` holds the rules as `@pulumi/policy` objects. The offline plan (`npm run plan`) and the tests call them",
    "directly; `policy/index.ts` is a policy pack that hands the same objects to the Pulumi CLI on a real deployment:",
    "",
    "```sh",
    "pulumi preview --policy-pack policy                                              # any stack",
    "pulumi preview --policy-pack policy --policy-pack-config policy/production.json  # production",
    "```",
    "",
    "In the offline plan a stack is production when its name is `prod` or `production` (alone or followed by `-`, `_`",
    "or `.` and more, such as `prod-eu`), or its config tags it `environment: prod` or `production`; there the",
    "production level applies. A policy pack cannot see the stack, so `pulumi preview` gets the production levels from",
    `\`policy/production.json\`, as above, which raises ${raised.join(", ")}.`,
    "",
    "| policy | rule (source) | level | production | runs in |",
    "| --- | --- | --- | --- | --- |",
    ...policies.map(row),
    "",
    'A rule that runs in the "offline plan only" asks whether a value is a Pulumi secret: a real preview hands',
    "policies every secret already decrypted, so it cannot be asked there.",
    "",
    "Rules for Premium-only features do not apply to a Basic or Standard registry (they report nothing there); the",
    `${code(skuStandardOrPremium.name)} rule covers that choice.`,
    "",
    "## What prod meets",
    "",
    "`Pulumi.prod.yaml` passes every rule above except two advisory ones, left on purpose:",
    `${code(quarantineEnabled.name)} holds every pushed image until a scanner releases it, which needs a scanning`,
    `workflow first; ${code(customerManagedKey.name)} needs a Key Vault key and an identity with access to it, which`,
    "teams bring themselves (the `encryption` setting is ready for it). Dev (Basic) shows the SKU and network rules as",
    "advisories. `npm run plan -- --stack prod` lists the verdicts.",
    "",
    "Prod also meets Microsoft's built-in Azure Policy definitions (Azure/azure-policy,",
    "`built-in-policies/policyDefinitions`, read at commit `f4a50bac`), checked by",
    "`tests/azure-policy-builtins.test.ts`, which ports each definition's rule:",
    "",
    "- every definition of the category *Container Registry* whose effect can be Audit or Deny (the category has no",
    "  AuditIfNotExists one): admin account, anonymous pull, ARM-audience tokens, exports, unrestricted network",
    "  access, public network access, a SKU with private link, private link, repository-scoped tokens (prod has",
    "  none), cache rules (none); **except** *encrypted with a customer-managed key* (5b9159ae), for the reason above;",
    "- for the audit-log storage account: secure transfer, minimum TLS 1.2, no public blob access, no shared key",
    "  access, infrastructure encryption, network default action Deny without IP rules, trusted Microsoft services, no",
    "  cross-tenant replication;",
    "- *Resource logs should be enabled for Audit on supported resources* (187242f4): the diagnostic setting sends the",
    "  category group `allLogs`, which holds both of the registry's categories; a list of single categories does not",
    `  count for it (the ${code(resourceLogsByCategoryGroup.name)} rule).`,
    "",
    "The storage account keeps public network access on, behind its firewall (default action Deny, trusted Azure",
    "services only), because Azure Monitor delivers the diagnostic logs as a trusted service through that firewall;",
    "*Storage accounts should disable public network access* (b2982f36) is therefore not met.",
    "",
  ].join("\n");
}
