/**
 * Environment separation: non-prod stacks never reference prod resources, and prod stacks protect
 * their stateful resources from deletion.
 *
 * Environment (policies/isolation/lib/environment.ts): policy config `environment` (set per stack in
 * policies/config/<stack>/isolation.json), else the AWS provider's defaultTags `environment`, else
 * resource tags / `moka.dev/environment` labels. When it cannot be told, both rules stay silent; when
 * unknown values leave it undetermined, nonprod-no-prod-references re-raises the unknown (advisory).
 *
 * nonprod-no-prod-references scans every string property of every resource (bounded depth 12,
 * linear in the stack's property size; `excludeKeys` such as `kubeconfig` are skipped) for a prod
 * account id (`prodAccountIds`, matched as a 12-digit token: ARNs, ECR hosts, bucket names) or the
 * prod name pattern (`prodPattern`, default `(^|[-_./:])prod([-_./:]|$)`, case-insensitive:
 * "moka-prod-data", "arn:aws:s3:::moka-prod-data/*", "s3a://moka-prod-data/", "prod"). Unknown
 * strings are skipped and re-raised as one advisory at the end.
 *
 * prod-stateful-resources-protected: in prod, S3 buckets (Bucket, BucketV2), KMS keys, ECR
 * repositories and audit log groups (name matching `auditLogGroupPatterns`, default the EKS
 * control-plane group `/aws/eks/<cluster>/cluster`) need `protect: true`; KMS keys need
 * `deletionWindowInDays` >= `minKmsDeletionWindowDays` (absent = AWS's 30, fine).
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isUnknownValue, peek, UnknownTracker } from "../../lib/known";
import { asNumber, asString, configValue, get, isNumberValue, isRecord, isStringArray, isStringValue } from "../../lib/props";
import { listText } from "../../lib/text";
import { URLS } from "../common";
import { DEFAULT_PROD_ENVIRONMENTS, isProdEnvironment, resourceEnvironment, stackEnvironment } from "../lib/environment";

export const DEFAULT_PROD_PATTERN = "(^|[-_./:])prod([-_./:]|$)";
const DEFAULT_EXCLUDE_KEYS: readonly string[] = ["kubeconfig"];
const MAX_DEPTH = 12;
const MAX_HITS = 3;

const ENVIRONMENT_SCHEMA = {
    type: "string",
    default: "",
    description: "This stack's environment (e.g. prod, dev). Empty: detect from the AWS provider's defaultTags, then resource tags.",
} as const;
const PROD_ENVIRONMENTS_SCHEMA = {
    type: "array",
    items: { type: "string" },
    default: [...DEFAULT_PROD_ENVIRONMENTS],
    description: "Environment names that count as production.",
} as const;

function safeRegExp(source: string): RegExp {
    try {
        return new RegExp(source, "i");
    } catch {
        return new RegExp(DEFAULT_PROD_PATTERN, "i");
    }
}

function compiles(source: string): boolean {
    try {
        new RegExp(source);
        return true;
    } catch {
        return false;
    }
}

/** The string, or for long strings a window around the match (at `index`), for messages. */
function excerpt(s: string, index: number): string {
    if (s.length <= 80) {
        return s;
    }
    const start = Math.max(0, index - 30);
    const end = Math.min(s.length, start + 80);
    return `${start > 0 ? "..." : ""}${s.slice(start, end)}${end < s.length ? "..." : ""}`;
}

export const nonprodNoProdReferences: StackValidationPolicy = {
    name: "nonprod-no-prod-references",
    description: "Checks that resources in non-prod stacks reference no prod account ids or prod-named resources (ARNs, bucket names, hosts).",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["isolation", "environments", "prod"],
    url: URLS.multiAccount,
    remediationSteps:
        "Point the non-prod stack at its own environment's resources (its own buckets, keys, roles, registries and account). Share data " +
        "through an explicit, reviewed copy or replication into the non-prod account instead of referencing prod directly. Set " +
        "`environment` and `prodAccountIds` in the stack's isolation policy config.",
    configSchema: {
        properties: {
            environment: ENVIRONMENT_SCHEMA,
            prodEnvironments: PROD_ENVIRONMENTS_SCHEMA,
            prodAccountIds: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "12-digit AWS account ids of production accounts.",
            },
            prodPattern: {
                type: "string",
                default: DEFAULT_PROD_PATTERN,
                description: "Case-insensitive regular expression for prod resource names in property strings.",
            },
            excludeKeys: {
                type: "array",
                items: { type: "string" },
                default: [...DEFAULT_EXCLUDE_KEYS],
                description: "Property keys (any depth, case-insensitive) whose values are not scanned.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig();
        const prodEnvs = configValue(config, "prodEnvironments", [...DEFAULT_PROD_ENVIRONMENTS], isStringArray);
        const tracker = new UnknownTracker();
        const env = stackEnvironment(config, args.resources, tracker);
        if (!env || isProdEnvironment(env.environment, prodEnvs)) {
            tracker.rethrow(); // an environment that unknown values leave undetermined is deferred, not taken for another
            return;
        }
        const accounts = configValue(config, "prodAccountIds", [] as string[], isStringArray).map((a) => a.trim()).filter((a) => /^\d{12}$/.test(a));
        const pattern = safeRegExp(configValue(config, "prodPattern", DEFAULT_PROD_PATTERN, isStringValue));
        const exclude = new Set(configValue(config, "excludeKeys", [...DEFAULT_EXCLUDE_KEYS], isStringArray).map((k) => k.toLowerCase()));
        const accountRes = accounts.map((a) => new RegExp(`(^|[^0-9])${a}([^0-9]|$)`));

        for (const r of args.resources) {
            if (r.type === "pulumi:pulumi:Stack") {
                continue;
            }
            const hits: string[] = [];
            let noted = false;
            const visit = (v: unknown, path: (string | number)[], depth: number): void => {
                if (hits.length >= MAX_HITS) {
                    return;
                }
                if (typeof v === "string") {
                    if (isUnknownValue(v)) {
                        if (!noted) {
                            tracker.note(r.props, ...path);
                            noted = true;
                        }
                        return;
                    }
                    for (let i = 0; i < accounts.length; i++) {
                        const m = accountRes[i].exec(v);
                        if (m) {
                            hits.push(`${path.join(".")} = "${excerpt(v, m.index)}" (prod account ${accounts[i]})`);
                            return;
                        }
                    }
                    const m = pattern.exec(v);
                    if (m) {
                        hits.push(`${path.join(".")} = "${excerpt(v, m.index)}"`);
                    }
                    return;
                }
                if (depth >= MAX_DEPTH || typeof v !== "object" || v === null) {
                    return;
                }
                if (Array.isArray(v)) {
                    v.forEach((x, i) => visit(x, [...path, i], depth + 1));
                    return;
                }
                for (const k of Object.keys(v)) {
                    if (!exclude.has(k.toLowerCase())) {
                        visit((v as Record<string, unknown>)[k], [...path, k], depth + 1);
                    }
                }
            };
            if (isRecord(r.props)) {
                for (const k of Object.keys(r.props)) {
                    if (!exclude.has(k.toLowerCase())) {
                        visit(peek(r.props, k), [k], 1);
                    }
                }
            }
            if (hits.length > 0) {
                reportViolation(
                    `${r.type.split(":").pop()} "${r.name}" in this ${env.environment} stack (environment from ${env.source}) references prod: ` +
                        `${listText(hits)}. A non-prod stack that reads or writes prod resources can corrupt or leak production data and ` +
                        "couples the environments' blast radius. Use this environment's own resources instead.",
                    r.urn,
                );
            }
        }
        tracker.rethrow();
    },
};

const STATEFUL_TYPES: Readonly<Record<string, string>> = {
    "aws:s3/bucket:Bucket": "S3 bucket",
    "aws:s3/bucketV2:BucketV2": "S3 bucket",
    "aws:kms/key:Key": "KMS key",
    "aws:ecr/repository:Repository": "ECR repository",
    "aws:cloudwatch/logGroup:LogGroup": "audit log group",
};
const DEFAULT_AUDIT_LOG_PATTERNS: readonly string[] = ["^/aws/eks/.+/cluster$"];
const DEFAULT_MIN_KMS_WINDOW = 30;

export const prodStatefulResourcesProtected: ResourceValidationPolicy = {
    name: "prod-stateful-resources-protected",
    description: "Checks that prod S3 buckets, KMS keys, ECR repositories and audit log groups are protected from deletion, and prod KMS keys keep a long deletion window.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["isolation", "environments", "prod", "data-safety"],
    url: URLS.protect,
    remediationSteps:
        "Create the resource with { protect: true, retainOnDelete: true } (components take a `protect` arg; moka:protectData defaults to true " +
        "in prod), and give prod KMS keys deletionWindowInDays: 30 (or leave it unset).",
    configSchema: {
        properties: {
            environment: ENVIRONMENT_SCHEMA,
            prodEnvironments: PROD_ENVIRONMENTS_SCHEMA,
            minKmsDeletionWindowDays: {
                type: "integer",
                minimum: 7,
                maximum: 30,
                default: DEFAULT_MIN_KMS_WINDOW,
                description: "Shortest KMS key deletion window allowed in prod, in days.",
            },
            auditLogGroupPatterns: {
                type: "array",
                items: { type: "string" },
                default: [...DEFAULT_AUDIT_LOG_PATTERNS],
                description: "Regular expressions for the names of log groups that hold audit logs.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const what = STATEFUL_TYPES[args.type];
        if (what === undefined) {
            return;
        }
        const config = args.getConfig();
        const prodEnvs = configValue(config, "prodEnvironments", [...DEFAULT_PROD_ENVIRONMENTS], isStringArray);
        const providerProps = args.provider?.type === "pulumi:providers:aws" ? args.provider.props : undefined;
        const env = resourceEnvironment(config, args.props, providerProps);
        if (!env || !isProdEnvironment(env.environment, prodEnvs)) {
            return;
        }
        // Display name read without the proxy: an unknown bucket/repository name must not hide a violation.
        const peeked = peek(args.props, args.type.startsWith("aws:s3/") ? "bucket" : "name");
        let name = typeof peeked === "string" && !isUnknownValue(peeked) ? peeked : undefined;
        if (args.type === "aws:cloudwatch/logGroup:LogGroup") {
            // Whether a log group is an audit log group depends on its name: read it through the proxy.
            const groupName = asString(get(args.props, "name"));
            name = groupName;
            const patterns = configValue(config, "auditLogGroupPatterns", [...DEFAULT_AUDIT_LOG_PATTERNS], isStringArray);
            const isAudit = groupName !== undefined && patterns.some((p) => compiles(p) && new RegExp(p).test(groupName));
            if (!isAudit) {
                return;
            }
        }
        const label = `${what} "${name ?? args.name}"`;
        const unprotected = args.opts.protect !== true;
        const min = configValue(config, "minKmsDeletionWindowDays", DEFAULT_MIN_KMS_WINDOW, isNumberValue);
        let shortWindow: string | undefined;
        if (args.type === "aws:kms/key:Key") {
            const raw = get(args.props, "deletionWindowInDays");
            const days = asNumber(raw);
            if (raw !== undefined && raw !== null && (days === undefined || days < min)) {
                shortWindow = `has deletionWindowInDays ${JSON.stringify(raw)} (minimum ${min} in prod)`;
            }
        }
        if (!unprotected && shortWindow === undefined) {
            return;
        }
        const where = `${label} in this ${env.environment} stack (environment from ${env.source})`;
        const windowWhy =
            "protect: true stops Pulumi from deleting it, not AWS: a key scheduled for deletion (by anyone with kms:ScheduleKeyDeletion, or " +
            "by Pulumi once protection is lifted) is gone for good, with everything encrypted under it, when its deletion window ends, and a " +
            "short window leaves little time to notice and cancel.";
        if (!unprotected) {
            reportViolation(
                `${where} is protected but ${shortWindow!.replace(/^has /, "has a short deletion window: ")}. ${windowWhy} ` +
                    `Set deletionWindowInDays: ${min} or more (or leave it unset: AWS defaults to 30).`,
            );
            return;
        }
        reportViolation(
            `${where} ${listText(["is not protected (protect: true)", ...(shortWindow ? [shortWindow] : [])])}. A refactor, rename or ` +
                "`pulumi destroy` would delete it and the data it holds (or, for a key, everything encrypted with it) with no way back. " +
                "Set { protect: true, retainOnDelete: true } on it" + (shortWindow ? ` and deletionWindowInDays: ${min} or more.` : "."),
        );
    },
};
