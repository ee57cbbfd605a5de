/**
 * Container image references for the security pack's supply-chain rules. The parser moved to
 * policies/lib/image-ref.ts (shared: the deployability pack reads the same references); this module keeps
 * the security pack's import path.
 *
 * Exported API (stable): ImageRef, parseImageRef, imageName, matchesRegistryPrefix, normaliseRegistryPrefix, mutableTagProblem
 */
export { imageName, matchesRegistryPrefix, mutableTagProblem, normaliseRegistryPrefix, parseImageRef } from "../../lib/image-ref";
export type { ImageRef } from "../../lib/image-ref";
