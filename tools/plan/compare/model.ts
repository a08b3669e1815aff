/** What a comparison of two plans finds: plain JSON, written out as is by `--compare --format json`. */
import type { LockLevel } from "../../../components/azure-facts";
import type { PolicyViolation } from "../../../policy/evaluate";

export interface InputChange {
  /** `sku.name`, `privateLinkServiceConnections[0].groupIds`, `tags["a.b"]`. */
  path: string;
  /** Absent where the input is new. */
  before?: unknown;
  /** Absent where the input is gone. */
  after?: unknown;
  forcesReplacement: boolean;
  /** A secret whose value changed: both sides stay "[secret]". */
  secretChanged?: true;
}

export type ResourceAction = "add" | "update" | "replace" | "delete";

export interface ResourceChange {
  action: ResourceAction;
  urn: string;
  type: string;
  name: string;
  /** For azure-native's generic resource, the ARM type it stands for: `Microsoft.ContainerRegistry/registries@2025-11-01`. */
  armType?: string;
  /** A new resource's inputs. */
  inputs?: Record<string, unknown>;
  /** An updated or replaced resource's changed inputs. */
  changes: InputChange[];
  /** Where the `protect` option itself changes. */
  protect?: { before: boolean; after: boolean };
  /**
   * Deleted or replaced while protected in the base plan: `pulumi up` refuses to delete a protected
   * resource (a replacement deletes it too) until protect has been turned off by an update of its own.
   */
  blockedByProtect: boolean;
  /**
   * Refused by a lock of the base plan that covers it (the lock's scope is the resource, its parent
   * or its resource group): deleted or replaced under a CanNotDelete or ReadOnly lock, or added or
   * updated under a ReadOnly lock. Azure refuses it until the lock is gone (or, for a ReadOnly lock
   * and an add or update, lowered to CanNotDelete), so that must happen in an update of its own first.
   */
  blockedByLock: boolean;
  /** The level of the lock that refuses it (the stricter, where two cover it); only when blockedByLock. */
  blockingLockLevel?: LockLevel;
  /** Replaced only because this resource (its name) is deleted before its own replacement: see cascadeReplacements. */
  replacedWith?: string;
}

export interface OutputChange {
  name: string;
  action: "add" | "update" | "delete";
  before?: unknown;
  after?: unknown;
}

export interface CostChange {
  currency: string;
  before: number;
  after: number;
  delta: number;
  label: "estimate";
  /** The price table's date (see CostEstimate). */
  asOf: string;
}

export interface PlanComparison {
  base: { project: string; stack: string };
  current: { project: string; stack: string };
  summary: { add: number; update: number; replace: number; delete: number };
  /** Changed resources only, by URN. */
  resources: ResourceChange[];
  outputs: OutputChange[];
  /**
   * Violations new in the current plan, those gone from it, and every mandatory one it still has
   * (which makes the plan exit 2 whether or not it is new).
   */
  policyViolations: { added: PolicyViolation[]; resolved: PolicyViolation[]; mandatory: PolicyViolation[] };
  /** The monthly estimate of both plans, priced with the same table. */
  cost: CostChange;
}
