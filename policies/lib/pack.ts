/**
 * What a pack is, independent of how it runs: `policies/<pack>/pack.ts` exports one PackDefinition,
 * `policies/<pack>/index.ts` turns it into a PolicyPack, and the offline preview, the benchmarks and the
 * tests evaluate the same object in-process (preview/analyze.ts). It lives here, below the packs, so
 * that packs never import the preview.
 */
import type { EnforcementLevel, Policies } from "@pulumi/policy";

/** A pack as its entry point would construct it: name, version, default level and its policies. */
export interface PackDefinition {
    readonly name: string;
    readonly version: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly policies: Policies;
}
