/**
 * The stack configuration: schemas and inferred types (schema.ts), cross-field checks (cross-checks.ts),
 * reading and error reporting (load.ts). Importers use `./config`.
 */
export * from "./schema";
export * from "./cross-checks";
export * from "./deploy-checks";
export * from "./load";
