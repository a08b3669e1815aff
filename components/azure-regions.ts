/**
 * Azure region names, as `location` takes them, dated: a name that is not here is refused before
 * anything is declared, with the closest names (a typo such as `westeurpe` would otherwise reach
 * Azure, or, where the provider's location is used, leave a registry without a region).
 *
 * As of 2026-11-29: every region name in the location lists (allowedValues) of Microsoft's built-in
 * Azure Policy definitions (Azure/azure-policy f4a50bacae07ddb096943c597669bcae494a6e29,
 * built-in-policies/policyDefinitions), public, Government and China clouds; plus regions opened since
 * that those lists do not have yet (indonesiacentral, malaysiawest, austriaeast, belgiumcentral,
 * denmarkeast). A region Azure opens later is refused until it is added here.
 */
export const AZURE_REGIONS_AS_OF = "2026-11-29";

export const AZURE_REGIONS: readonly string[] = [
  // Public cloud
  "australiacentral",
  "australiacentral2",
  "australiaeast",
  "australiasoutheast",
  "austriaeast",
  "belgiumcentral",
  "brazilsouth",
  "brazilsoutheast",
  "canadacentral",
  "canadaeast",
  "centralindia",
  "centralus",
  "centraluseuap",
  "chilecentral",
  "denmarkeast",
  "eastasia",
  "eastus",
  "eastus2",
  "eastus2euap",
  "francecentral",
  "francesouth",
  "germanynorth",
  "germanywestcentral",
  "indonesiacentral",
  "israelcentral",
  "italynorth",
  "japaneast",
  "japanwest",
  "jioindiacentral",
  "jioindiawest",
  "koreacentral",
  "koreasouth",
  "malaysiasouth",
  "malaysiawest",
  "mexicocentral",
  "newzealandnorth",
  "northcentralus",
  "northeurope",
  "norwayeast",
  "norwaywest",
  "polandcentral",
  "qatarcentral",
  "southafricanorth",
  "southafricawest",
  "southcentralus",
  "southeastasia",
  "southindia",
  "spaincentral",
  "swedencentral",
  "swedensouth",
  "switzerlandnorth",
  "switzerlandwest",
  "taiwannorth",
  "taiwannorthwest",
  "uaecentral",
  "uaenorth",
  "uksouth",
  "ukwest",
  "westcentralus",
  "westeurope",
  "westindia",
  "westus",
  "westus2",
  "westus3",
  // Azure Government
  "usdodcentral",
  "usdodeast",
  "usgovarizona",
  "usgovtexas",
  "usgovvirginia",
  // Azure operated by 21Vianet (China)
  "chinaeast",
  "chinaeast2",
  "chinaeast3",
  "chinanorth",
  "chinanorth2",
  "chinanorth3",
];

/**
 * A location as ARM names it: lower case without spaces (a program may say `West Europe`).
 * azure-native diffs `location` the same way ("Apply case-spacing-insensitive diffing to all
 * location properties", pulumi-azure-native PR #2281).
 */
export function armRegionName(location: string): string {
  return location.toLowerCase().replace(/\s+/g, "");
}

/** Whether a name is an Azure region (case does not matter to Azure). */
export function isAzureRegion(name: string): boolean {
  return AZURE_REGIONS.includes(name.toLowerCase());
}
