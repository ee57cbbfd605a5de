/**
 * Kubernetes resource quantities for the cost model. The parser lives in lib/quantity.ts (one home,
 * shared with the system-node capacity model); this module re-exports what the pricing code uses.
 *
 * Exported API: parseQuantity(v), parseCpuQuantity(v), parseMemoryGi(v)
 */
export { parseCpuQuantity, parseMemoryGi, parseQuantity } from "../../../lib/quantity";
