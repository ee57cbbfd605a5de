/**
 * A small evaluator of IAM identity-policy statements, and what S3 and S3A make of them. Pure, so the
 * tests (and policy packs) can compute "what does S3 answer this role" from the documents a stack declares.
 *
 * Scope: Allow/Deny statements with Action/NotAction, Resource/NotResource and the condition operators the
 * platform writes (String*, Arn*, Bool). Anything else makes a statement not apply (an Allow is not
 * granted, a Deny is not counted), which errs on the side of "denied" for the checks built on it.
 * A condition on a key absent from the request context does not hold (IAM semantics for non-IfExists
 * operators): a `s3:prefix`-conditioned ListBucket therefore does not count for a HEAD, which carries no prefix.
 */

export interface IamStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action?: string | readonly string[];
    readonly NotAction?: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly NotResource?: string | readonly string[];
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** Request context keys and values, e.g. `{ "s3:prefix": "teams/a/", "kms:ViaService": "s3.us-west-2.amazonaws.com" }`. */
export type RequestContext = Readonly<Record<string, string>>;

const list = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === "string" ? [v] : v);

/** IAM wildcard match: `*` is any run of characters, `?` one character. */
export function iamGlob(pattern: string, value: string, ignoreCase = false): boolean {
    const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${escaped}$`, ignoreCase ? "is" : "s").test(value);
}

const OPERATORS: Readonly<Record<string, (pattern: string, value: string) => boolean>> = {
    StringEquals: (p, v) => p === v,
    StringNotEquals: (p, v) => p !== v,
    StringEqualsIgnoreCase: (p, v) => p.toLowerCase() === v.toLowerCase(),
    StringLike: (p, v) => iamGlob(p, v),
    StringNotLike: (p, v) => !iamGlob(p, v),
    ArnEquals: (p, v) => p === v,
    ArnLike: (p, v) => iamGlob(p, v),
    Bool: (p, v) => p.toLowerCase() === v.toLowerCase(),
};

/** True when every condition of the block holds for `ctx`; false for an unsupported operator. */
export function conditionsHold(condition: IamStatement["Condition"], ctx: RequestContext): boolean {
    for (const [operator, entries] of Object.entries(condition ?? {})) {
        const test = OPERATORS[operator];
        if (!test) {
            return false;
        }
        const negated = operator.includes("Not");
        for (const [key, patterns] of Object.entries(entries)) {
            const value = ctx[key];
            if (value === undefined) {
                return false;
            }
            const values = list(patterns);
            // Positive operators: any pattern matches. Negated ones: no pattern matches the value.
            const ok = negated ? values.every((p) => test(p, value)) : values.some((p) => test(p, value));
            if (!ok) {
                return false;
            }
        }
    }
    return true;
}

/** True when the statement covers `action` on `resource` (conditions aside). */
export function statementMatches(s: IamStatement, action: string, resource: string): boolean {
    const actionHit = s.Action !== undefined
        ? list(s.Action).some((a) => iamGlob(a, action, true))
        : s.NotAction !== undefined && !list(s.NotAction).some((a) => iamGlob(a, action, true));
    const resourceHit = s.Resource !== undefined
        ? list(s.Resource).some((r) => iamGlob(r, resource))
        : s.NotResource !== undefined && !list(s.NotResource).some((r) => iamGlob(r, resource));
    return actionHit && resourceHit;
}

/** IAM's decision for one request against identity-policy statements: an explicit Deny wins, then an Allow. */
export function isAllowed(statements: readonly IamStatement[], action: string, resource: string, ctx: RequestContext = {}): boolean {
    const applies = (s: IamStatement) => statementMatches(s, action, resource) && conditionsHold(s.Condition, ctx);
    if (statements.some((s) => s.Effect === "Deny" && applies(s))) {
        return false;
    }
    return statements.some((s) => s.Effect === "Allow" && applies(s));
}

/** Object ARN of `key` in the bucket `bucketArn`. */
export function objectArn(bucketArn: string, key: string): string {
    return `${bucketArn}/${key}`;
}

/**
 * What S3 answers the role on HEAD (or GET) of a key that does not exist. S3 API reference, HeadObject,
 * "Permissions": s3:GetObject is required; "If you have the s3:ListBucket permission on the bucket, Amazon
 * S3 returns an HTTP status code 404 Not Found error. If you don't have the s3:ListBucket permission, Amazon
 * S3 returns an HTTP status code 403 Forbidden error." A HEAD carries no `s3:prefix`, so only a ListBucket
 * grant that holds without one counts (evaluated with an empty request context).
 */
export function headMissingKeyStatus(statements: readonly IamStatement[], bucketArn: string, key: string): 403 | 404 {
    if (!isAllowed(statements, "s3:GetObject", objectArn(bucketArn, key))) {
        return 403;
    }
    return isAllowed(statements, "s3:ListBucket", bucketArn) ? 404 : 403;
}

/**
 * The S3 actions S3A needs, from hadoop-aws assumed_roles.md ("Restricting S3A operations through AWS
 * Policies", branch-3.4) with its wildcards narrowed to the calls S3A makes: `s3:Get*` → GetObject (GET
 * and HEAD), `s3:Put*` → PutObject (which also authorizes CreateMultipartUpload, UploadPart and
 * CompleteMultipartUpload), `s3:Delete*` → DeleteObject (a bulk DeleteObjects is authorized per key).
 * SSE-KMS: read needs kms:Decrypt, write kms:Decrypt + kms:GenerateDataKey.
 */
export const S3A_PERMISSIONS = {
    read: { bucket: ["s3:ListBucket"], object: ["s3:GetObject"], kms: ["kms:Decrypt"] },
    write: {
        bucket: ["s3:ListBucket", "s3:ListBucketMultipartUploads"],
        object: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        kms: ["kms:Decrypt", "kms:GenerateDataKey"],
    },
} as const;

export interface S3aPathCheck {
    readonly bucketArn: string;
    /** Key prefix of the S3A directory, no slashes at either end. */
    readonly prefix: string;
    readonly mode: "read" | "write";
    readonly kmsKeyArn: string;
    /** The request context KMS sees when S3 calls it on the role's behalf (e.g. kms:ViaService). */
    readonly kmsContext: RequestContext;
}

/**
 * What the role lacks for S3A to `mode` the directory `prefix` (empty when nothing). Object actions are
 * checked on the directory key, its marker and a key below it; the bucket actions without any `s3:prefix`
 * for write (a writer's HEAD on a missing key must answer 404), with the directory's own prefix for read.
 */
export function s3aMissingPermissions(statements: readonly IamStatement[], c: S3aPathCheck): string[] {
    const need = S3A_PERMISSIONS[c.mode];
    const missing: string[] = [];
    const listCtx: RequestContext = c.mode === "write" ? {} : { "s3:prefix": `${c.prefix}/` };
    for (const action of need.bucket) {
        if (!isAllowed(statements, action, c.bucketArn, listCtx)) {
            missing.push(`${action} on ${c.bucketArn}${c.mode === "write" ? "" : ` (prefix ${c.prefix}/)`}`);
        }
    }
    for (const key of [c.prefix, `${c.prefix}/`, `${c.prefix}/part-00000.parquet`]) {
        for (const action of need.object) {
            if (!isAllowed(statements, action, objectArn(c.bucketArn, key))) {
                missing.push(`${action} on ${objectArn(c.bucketArn, key)}`);
            }
        }
    }
    for (const action of need.kms) {
        if (!isAllowed(statements, action, c.kmsKeyArn, c.kmsContext)) {
            missing.push(`${action} on ${c.kmsKeyArn}`);
        }
    }
    return missing;
}

/** True when the role may create, overwrite or delete any object under `bucketArn` (probed on `keys`). */
export function canWriteBucket(statements: readonly IamStatement[], bucketArn: string, keys: readonly string[]): boolean {
    return keys.some((k) => ["s3:PutObject", "s3:DeleteObject"].some((a) => isAllowed(statements, a, objectArn(bucketArn, k))));
}

/** True when the role may list the key names of `bucketArn` under `prefix` ("" = the whole bucket, as a request without a prefix). */
export function canListKeys(statements: readonly IamStatement[], bucketArn: string, prefix: string): boolean {
    return isAllowed(statements, "s3:ListBucket", bucketArn, prefix === "" ? {} : { "s3:prefix": prefix });
}
