/**
 * The isolation pack: what it enforces, at which level. `index.ts` only constructs the PolicyPack from this.
 * Every rule is mandatory: each one guards a boundary between tenants or between environments.
 */
import type { PackDefinition } from "../lib/pack";
import { nonprodNoProdReferences, prodStatefulResourcesProtected } from "./rules/environments";
import { tenantNamespaceGuardrails } from "./rules/namespace-guardrails";
import { namespacePodSecurityEnforced } from "./rules/pod-security";
import { tenantRbacNamespaceScoped } from "./rules/rbac";
import { networkPolicyNoAllowAll } from "./rules/network-policies";
import { tenantServiceAccountsOwnNamespace } from "./rules/service-accounts";
import { sparkAppsUseTeamQueue } from "./rules/spark-queues";
import { workloadNamespaceNotDefault, workloadServiceAccountNotDefault } from "./rules/workloads";

export const isolationPack: PackDefinition = {
    name: "moka-isolation",
    version: "1.0.0",
    enforcementLevel: "advisory",
    policies: [
        tenantRbacNamespaceScoped,
        namespacePodSecurityEnforced,
        tenantNamespaceGuardrails,
        networkPolicyNoAllowAll,
        sparkAppsUseTeamQueue,
        tenantServiceAccountsOwnNamespace,
        workloadNamespaceNotDefault,
        workloadServiceAccountNotDefault,
        nonprodNoProdReferences,
        prodStatefulResourcesProtected,
    ],
};
