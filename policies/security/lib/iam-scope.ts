/**
 * How far an IAM statement reaches: whether its conditions pin the caller (for wildcard principals and
 * whole-account trust) and whether it covers every resource of a service (for sensitive actions).
 * Works on statements normalised by ./iam.ts.
 *
 * Pack-private to the security pack. Exported API (stable):
 *   PRINCIPAL_SCOPING_CONDITION_KEYS, TRUST_PINNING_CONDITION_KEYS, hasPinningCondition(s, keys),
 *   hasPrincipalScopingCondition(s), unpinningConditions(s), coversAnyResource(resource),
 *   statementCoversAnyResource(s), hasResourceScopingCondition(s, action)
 */
import { conditionEntries, PolicyStatement } from "./iam";

/**
 * What a condition value must look like to pin a key: `arn` (an ARN whose account, or for account-less
 * ARNs such as S3 buckets the resource name, is concrete), `exact` (no wildcard at all), `path`
 * (an organisation path whose first segment, the org id, is concrete) or `prefix` (a concrete prefix
 * before any wildcard, e.g. aws:userid "AROAEXAMPLE:*").
 */
type PinKind = "arn" | "exact" | "path" | "prefix";

/**
 * Global and service condition keys that pin WHO may use a statement with a wildcard principal
 * (organisation, account, source ARN/account, VPC / VPC endpoint, a specific principal, instance or
 * function). Checkov's S3AllowsAnyPrincipal (CKV_AWS_70, bridgecrewio/checkov@03d5fdad) accepts the
 * same families; the kms:CallerAccount pattern is the one AWS's default key policy uses for "all
 * principals in the account" statements. aws:SourceIp is deliberately absent: it limits the network,
 * not the caller. Compared case-insensitively (IAM condition keys are case-insensitive).
 */
const PINNING_KEYS: Readonly<Record<string, PinKind>> = {
    "aws:PrincipalArn": "arn",
    "aws:SourceArn": "arn",
    "ec2:SourceInstanceArn": "arn",
    "lambda:SourceFunctionArn": "arn",
    "ssm:SourceInstanceArn": "arn",
    "aws:PrincipalAccount": "exact",
    "aws:SourceAccount": "exact",
    "aws:SourceOwner": "exact",
    "aws:VpceAccount": "exact",
    "kms:CallerAccount": "exact",
    "aws:PrincipalOrgID": "exact",
    "aws:SourceOrgID": "exact",
    "aws:VpceOrgID": "exact",
    "aws:SourceVpc": "exact",
    "aws:SourceVpce": "exact",
    "aws:Ec2InstanceSourceVpc": "exact",
    "aws:username": "exact",
    "aws:PrincipalOrgPaths": "path",
    "aws:SourceOrgPaths": "path",
    "aws:VpceOrgPaths": "path",
    "aws:userid": "prefix",
};

export const PRINCIPAL_SCOPING_CONDITION_KEYS: readonly string[] = Object.keys(PINNING_KEYS);

/**
 * Keys that pin who may assume a role trusted by a whole account (its root or bare account id):
 * the external id a third party must present (the confused-deputy guard), a specific principal, or
 * the caller's organisation.
 */
export const TRUST_PINNING_CONDITION_KEYS: readonly string[] = [
    "sts:ExternalId",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:userid",
    "aws:username",
];

const KIND_OF: ReadonlyMap<string, PinKind> = new Map([
    ...Object.entries(PINNING_KEYS).map(([k, v]) => [k.toLowerCase(), v] as const),
    ["sts:externalid", "exact"],
]);

/** Positive operators that constrain a key to the listed values (IfExists, negated, Null, Bool and ForAllValues do not). */
const POSITIVE_OPERATOR = /^(ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/i;
const WILDCARD = /[*?]/;

/** True when one condition value pins a key of this kind (see PinKind). */
function valuePins(kind: PinKind, value: string): boolean {
    const v = value.trim();
    if (v === "") {
        return false;
    }
    switch (kind) {
        case "exact":
            return !WILDCARD.test(v);
        case "path":
            return !WILDCARD.test(v.split("/")[0]);
        case "prefix":
            return !WILDCARD.test(v[0]);
        case "arn": {
            const parts = v.split(":");
            if (parts.length < 6 || parts[0].toLowerCase() !== "arn") {
                return false;
            }
            const account = parts[4];
            const resource = parts.slice(5).join(":");
            // An account-less ARN (arn:aws:s3:::bucket) is pinned by its resource name.
            return account !== "" ? !WILDCARD.test(account) : resource !== "" && !WILDCARD.test(resource[0]);
        }
    }
}

/** True when the statement carries a positive condition on one of `keys` whose every value pins it. */
export function hasPinningCondition(s: PolicyStatement, keys: readonly string[]): boolean {
    const wanted = new Set(keys.map((k) => k.toLowerCase()));
    return conditionEntries(s).some((c) => {
        const key = c.key.trim().toLowerCase();
        const kind = KIND_OF.get(key);
        return wanted.has(key) && kind !== undefined && POSITIVE_OPERATOR.test(c.operator.trim())
            && c.values.length > 0 && c.values.every((v) => valuePins(kind, v));
    });
}

/**
 * True when a principal-scoping key is constrained by a positive operator to values that all pin it.
 * Conditions are ANDed, so one such entry is enough; a value "*", "arn:aws:iam::*" or an account
 * pattern admits everyone, and so does a negated operator (ArnNotEquals one principal).
 */
export function hasPrincipalScopingCondition(s: PolicyStatement): boolean {
    return hasPinningCondition(s, PRINCIPAL_SCOPING_CONDITION_KEYS);
}

/** The statement's conditions as `Operator key "value"` texts, for messages about conditions that pin nothing. */
export function unpinningConditions(s: PolicyStatement): string[] {
    return conditionEntries(s).map((c) => `${c.operator.trim()} ${c.key.trim()} ${c.values.map((v) => JSON.stringify(v)).join(", ") || "[]"}`);
}

const ALL_WILDCARD = /^[*?]+(?:[/:][*?]*)*$/;

/**
 * True when one Resource entry covers every resource of its service: "*", or an ARN whose resource
 * part (after the resource type, which S3 ARNs lack) is only wildcards: arn:aws:s3:::*,
 * arn:aws:s3:::*(/*), arn:aws:secretsmanager:*:111111111111:secret:*, arn:aws:iam::111111111111:role/*.
 */
export function coversAnyResource(resource: string): boolean {
    const r = resource.trim();
    if (/^[*?]+$/.test(r)) {
        return true;
    }
    const parts = r.split(":");
    if (parts.length < 6 || parts[0].toLowerCase() !== "arn") {
        return false;
    }
    const rest = parts.slice(5).join(":");
    if (parts[2].toLowerCase() === "s3") {
        return ALL_WILDCARD.test(rest.split("/")[0]);
    }
    const typed = /^[A-Za-z0-9_.-]+[:/](.*)$/.exec(rest);
    return ALL_WILDCARD.test(typed ? typed[1] : rest);
}

/** Resource covers everything (`*`, an all-wildcard ARN) or the statement uses NotResource. */
export function statementCoversAnyResource(s: PolicyStatement): boolean {
    return s.notResources !== undefined || s.resources.some(coversAnyResource);
}

/**
 * Condition keys that narrow WHICH resources a statement reaches even on Resource "*": resource tags
 * (attribute-based access control), the resource's account or organisation, and for KMS the service
 * the key is used through (kms:ViaService: the caller still needs access to that service's data).
 */
const RESOURCE_SCOPING_KEY = /^([a-z0-9-]+:ResourceTag\/.+|aws:ResourceAccount|aws:ResourceOrgID|aws:ResourceOrgPaths|s3:ResourceAccount)$/i;

/** True when a positive condition narrows the resources the statement reaches for `action`. */
export function hasResourceScopingCondition(s: PolicyStatement, action: string): boolean {
    const kms = /^kms:/i.test(action.trim());
    return conditionEntries(s).some((c) => {
        const key = c.key.trim();
        const scoping = RESOURCE_SCOPING_KEY.test(key) || (kms && /^kms:ViaService$/i.test(key));
        // A tag condition with "*" still demands the tag; account/org values must be concrete.
        const concrete = /ResourceTag\//i.test(key) ? c.values.some((v) => v.trim() !== "") : c.values.length > 0 && c.values.every((v) => v.trim() !== "" && !WILDCARD.test(v));
        return scoping && POSITIVE_OPERATOR.test(c.operator.trim()) && concrete;
    });
}
