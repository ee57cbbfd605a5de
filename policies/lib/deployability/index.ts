/**
 * The deployability analyses — the API path, image sources, system-node capacity and metal in NodePools —
 * shared by the deployability pack's rules and the offline preview's report (which reaches them only
 * through this module, as it reaches the cost model through policies/lib/pricing/index.ts).
 *
 * Exported API: ResView, UnknownAt, viewsOf(resources); apiPaths, describeApiPath, ApiPath;
 * imageSources, ImageUse, ImageSource; systemNodeFits, NodeGroupFit; metalVerdict, MetalVerdict.
 */
export { apiPaths, describeApiPath, type ApiPath, type ApiSource } from "./api-path";
export { imageSources, type ImageSource, type ImageUse } from "./images";
export { systemNodeFits, type NodeGroupFit } from "./capacity";
export { metalVerdict, type MetalVerdict } from "./metal";
export { viewsOf, type PolicyResourceLike, type ResView, type UnknownAt } from "./view";
