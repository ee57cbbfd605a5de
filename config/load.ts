/**
 * Reading the stack configuration: every `moka:*` key (and `aws:region`) is decoded, validated with the
 * schemas in schema.ts, cross-checked (cross-checks.ts), and returned as one typed, frozen `MokaConfig`.
 * Any problem throws a single `MokaConfigError` that lists every offending key with its full path
 * (`moka:teams[1].quota.cpu`) and the reason. This runs before any resource is constructed, so a bad
 * stack file never half-creates a stack.
 *
 * `parseConfig` is pure (raw values in, typed config out) so tests and the offline preview can use it
 * without the Pulumi runtime; `loadConfig` reads the raw values from the running stack.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { issueMessage, issuePath } from "../lib/zod-issues";
import { type ConfigIssue, crossFieldIssues } from "./cross-checks";
import { assembleConfig, CONFIG_KEYS, CONFIG_NAMESPACE, type MokaConfig, SECTIONS, type Sections } from "./schema";

/** Every problem with the stack configuration, in one error. */
export class MokaConfigError extends Error {
    public readonly issues: readonly ConfigIssue[];
    constructor(issues: readonly ConfigIssue[]) {
        const lines = issues.map((i) => `  - ${i.path}: ${i.message}`);
        super(`Invalid stack configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}`);
        this.name = "MokaConfigError";
        this.issues = issues;
    }
}

function formatPath(section: string, path: readonly PropertyKey[]): string {
    return issuePath(section === "region" ? "aws:region" : `${CONFIG_NAMESPACE}:${section}`, path);
}

/** Raw values by key without the namespace (`teams`, not `moka:teams`), plus `region` from `aws:region`. */
export type RawConfig = Record<string, unknown>;

/**
 * Validates raw config values and returns the typed config, or throws one `MokaConfigError` listing
 * every problem. Pure: no Pulumi runtime needed.
 */
export function parseConfig(raw: RawConfig): MokaConfig {
    const issues: ConfigIssue[] = [];
    const parsed: Partial<Sections> = {};

    for (const key of Object.keys(raw)) {
        if (!(key in SECTIONS)) {
            issues.push({ path: `${CONFIG_NAMESPACE}:${key}`, message: `unknown config key; expected one of ${CONFIG_KEYS.join(", ")}` });
        }
    }
    for (const [key, schema] of Object.entries(SECTIONS) as [keyof Sections, z.ZodType][]) {
        const result = schema.safeParse(raw[key]);
        if (result.success) {
            (parsed as Record<string, unknown>)[key] = result.data;
        } else {
            for (const issue of result.error.issues) {
                issues.push({ path: formatPath(key, issue.path), message: issueMessage(issue) });
            }
        }
    }
    issues.push(...crossFieldIssues(parsed));
    if (issues.length > 0) {
        throw new MokaConfigError(issues);
    }
    return deepFreeze(assembleConfig(parsed as Sections));
}

function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object") {
        for (const v of Object.values(value as object)) {
            deepFreeze(v);
        }
        Object.freeze(value);
    }
    return value;
}

/** Decodes one raw Pulumi config string: structured values arrive as JSON, scalars as plain text. */
export function decodeConfigValue(text: string): unknown {
    const t = text.trim();
    if (t === "true" || t === "false" || /^-?\d+(\.\d+)?$/.test(t) || t.startsWith("{") || t.startsWith("[") || t === "null") {
        try {
            return JSON.parse(t);
        } catch {
            return text;
        }
    }
    return text;
}

/**
 * Reads every `moka:*` key (and `aws:region`) from a flat `namespace:key → string` map such as
 * `pulumi.runtime.allConfig()`, and validates it.
 */
export function parseConfigMap(all: Record<string, string>): MokaConfig {
    const raw: RawConfig = {};
    for (const [fullKey, value] of Object.entries(all)) {
        const [ns, ...rest] = fullKey.split(":");
        const key = rest.join(":");
        if (ns === CONFIG_NAMESPACE) {
            raw[key] = decodeConfigValue(value);
        } else if (ns === "aws" && key === "region") {
            raw.region = value;
        }
    }
    return parseConfig(raw);
}

/** Loads and validates the running stack's configuration. Throws `MokaConfigError` before any resource exists. */
export function loadConfig(): MokaConfig {
    return parseConfigMap(pulumi.runtime.allConfig());
}
