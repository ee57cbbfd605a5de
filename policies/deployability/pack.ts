/**
 * The deployability pack: checks that a real first `pulumi up` can finish, from the resources alone, in a
 * real `pulumi preview` as well as offline. `index.ts` turns this into a PolicyPack; tests and the offline
 * preview evaluate it in-process (preview/analyze.ts).
 */
import type { PackDefinition } from "../lib/pack";
import { eksApiReachable } from "./rules/api-reachable";
import { systemNodesCapacityFits } from "./rules/capacity";
import { ecrImagesHaveProducer } from "./rules/images";
import { nodepoolExcludesMetal } from "./rules/metal";

export const deployabilityPack: PackDefinition = {
    name: "moka-deployability",
    version: "1.0.0",
    enforcementLevel: "advisory",
    policies: [
        eksApiReachable,
        ecrImagesHaveProducer,
        systemNodesCapacityFits,
        nodepoolExcludesMetal,
    ],
};
