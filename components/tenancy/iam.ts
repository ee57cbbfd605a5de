/**
 * Pure IAM builders for a team's workload role (components/tenancy/index.ts).
 *
 * The role is assumed through EKS Pod Identity by the team's `spark` ServiceAccount only: the trust
 * policy checks the session tags Pod Identity sets (`eks-cluster-name`, `kubernetes-namespace`,
 * `kubernetes-service-account`; EKS user guide "Create IAM role with trust policy required by EKS Pod
 * Identity"), so another association in the account cannot borrow the role.
 *
 * The access policy is Hadoop's S3A list (hadoop-aws assumed_roles.md, "Restricting S3A operations through
 * AWS Policies", branch-3.4; lib/iam-eval.ts S3A_PERMISSIONS) on the team's own bucket:
 *  - `s3:ListBucket` and `s3:ListBucketMultipartUploads` on the bucket, without a prefix condition: S3
 *    answers a HEAD on a missing key with 404 only to a caller holding ListBucket on the bucket (S3 API
 *    reference, HeadObject), and S3A's getFileStatus turns anything else into AccessDeniedException
 *    (hadoop-aws S3AFileSystem.s3GetFileStatus, branch-3.4). The bucket is the team's alone, so the grant
 *    lists no other team's key names.
 *  - Get/Put/Delete/AbortMultipartUpload/ListMultipartUploadParts under the data and event-log prefixes,
 *    read-only under the container-log prefix (Fluent Bit writes there).
 *  - Shared reads: GetObject under each shared prefix of another team's bucket, and ListBucket on that
 *    bucket only with an `s3:prefix` condition, so the other team's other key names stay private. The
 *    price: a HEAD on a key there that is not an existing object answers 403, not 404 (README "Storage").
 *  - kms:Decrypt and kms:GenerateDataKey on the storage key, only through S3 in the bucket region
 *    (hadoop-aws RolePolicies.java KMS_KEY_RW: kms:Encrypt "is *Not* used by SSE-KMS").
 * Each prefix is granted as `<prefix>` and `<prefix>/*`: S3A probes the directory key itself (HEAD
 * `<prefix>`), and a single `<prefix>*` would also match sibling prefixes (`teams/ads` vs `teams/ads-archive`).
 */

/** IAM caps role names at 64 characters. */
export const IAM_ROLE_NAME_MAX = 64;
import { type PodIdentityWorkload, podIdentityTrustPolicy, type PolicyDocument, type PolicyStatement } from "../shared/iam";
import { S3_PREFIX } from "../../lib/patterns";

/** The team's IAM role name: `<baseName>-team-<team>`. */
export function teamRoleName(baseName: string, team: string): string {
    return `${baseName}-team-${team}`;
}

/** Trust policy: EKS Pod Identity, only for `<namespace>/<serviceAccount>` on `<clusterName>` (shared/iam.ts, session tags). */
export function teamTrustPolicy(input: PodIdentityWorkload): PolicyDocument {
    return podIdentityTrustPolicy({ workload: input, sid: "AllowEksPodIdentityForTeamServiceAccount" });
}

/** Read access to a prefix of another team's bucket. */
export interface SharedRead {
    /** The team that owns the bucket. */
    readonly team: string;
    readonly bucketArn: string;
    readonly prefix: string;
}

export interface TeamAccessPolicyInput {
    /** ARN of the team's own bucket (`arn:aws:s3:::<name>`). */
    readonly bucketArn: string;
    /** ARN of the KMS key the buckets are encrypted with. */
    readonly kmsKeyArn: string;
    /** The team's read/write data prefix in its bucket. */
    readonly dataPrefix: string;
    /** The Spark event-log prefix in its bucket (read/write). */
    readonly eventLogPrefix: string;
    /** The container-log prefix in its bucket (read-only). */
    readonly containerLogPrefix: string;
    /** Prefixes of other teams' buckets the team may read. */
    readonly sharedReads: readonly SharedRead[];
    /** Region of the buckets; the key may be used only through S3 in this region. */
    readonly region: string;
}

const BUCKET_ARN = /^arn:aws[a-z-]*:s3:::[a-z0-9.-]{3,63}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** Object actions a writer needs under a prefix (lib/iam-eval.ts S3A_PERMISSIONS.write.object). */
export const TEAM_WRITE_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

/** Object ARNs for a prefix: the directory key itself and everything below it. */
export function prefixObjectArns(bucketArn: string, prefix: string): string[] {
    return [`${bucketArn}/${prefix}`, `${bucketArn}/${prefix}/*`];
}

/** `s3:prefix` values that allow listing a prefix and everything below it (S3A lists with a trailing '/'). */
export function prefixListValues(prefix: string): string[] {
    return [`${prefix}/`, `${prefix}/*`];
}

/** The S3 endpoint host `kms:ViaService` names for S3 in `region`. */
export function s3ServiceHost(region: string): string {
    return region.startsWith("cn-") ? `s3.${region}.amazonaws.com.cn` : `s3.${region}.amazonaws.com`;
}

/** Problems with the access-policy input; empty when it is usable. */
export function teamAccessPolicyProblems(input: TeamAccessPolicyInput): string[] {
    const problems: string[] = [];
    const buckets: [string, string][] = [["bucketArn", input.bucketArn], ...input.sharedReads.map((r, i): [string, string] => [`sharedReads[${i}].bucketArn`, r.bucketArn])];
    for (const [key, arn] of buckets) {
        if (!BUCKET_ARN.test(arn)) {
            problems.push(`${key} "${arn}" is not an S3 bucket ARN`);
        }
    }
    input.sharedReads.forEach((r, i) => {
        if (r.bucketArn === input.bucketArn) {
            problems.push(`sharedReads[${i}] names the team's own bucket; shared reads are for other teams' buckets`);
        }
    });
    if (!KMS_KEY_ARN.test(input.kmsKeyArn)) {
        problems.push(`kmsKeyArn "${input.kmsKeyArn}" is not a KMS key ARN`);
    }
    const prefixes: [string, string][] = [["dataPrefix", input.dataPrefix], ["eventLogPrefix", input.eventLogPrefix], ["containerLogPrefix", input.containerLogPrefix]];
    input.sharedReads.forEach((r, i) => prefixes.push([`sharedReads[${i}].prefix`, r.prefix]));
    for (const [key, p] of prefixes) {
        if (!S3_PREFIX.test(p) || p.split("/").includes("..")) {
            problems.push(`${key} "${p}" is not an S3 prefix (no wildcards, no leading or trailing '/', no '..')`);
        }
    }
    return problems;
}

/** The team role's permissions (see the file comment). Throws on malformed input (an ARN or prefix that would widen the grant). */
export function teamAccessPolicy(input: TeamAccessPolicyInput): PolicyDocument {
    const problems = teamAccessPolicyProblems(input);
    if (problems.length > 0) {
        throw new Error(`teamAccessPolicy: ${problems.join("; ")}`);
    }
    const statements: PolicyStatement[] = [
        { Sid: "TeamBucketList", Effect: "Allow", Action: ["s3:ListBucket", "s3:ListBucketMultipartUploads"], Resource: input.bucketArn },
        { Sid: "TeamDataReadWrite", Effect: "Allow", Action: TEAM_WRITE_ACTIONS, Resource: prefixObjectArns(input.bucketArn, input.dataPrefix) },
        { Sid: "TeamEventLogReadWrite", Effect: "Allow", Action: TEAM_WRITE_ACTIONS, Resource: prefixObjectArns(input.bucketArn, input.eventLogPrefix) },
        { Sid: "TeamContainerLogRead", Effect: "Allow", Action: "s3:GetObject", Resource: prefixObjectArns(input.bucketArn, input.containerLogPrefix) },
    ];
    if (input.sharedReads.length > 0) {
        statements.push({
            Sid: "SharedDataRead",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: input.sharedReads.flatMap((r) => prefixObjectArns(r.bucketArn, r.prefix)),
        });
        // One statement per owner bucket: a union of prefixes across buckets would allow listing one team's
        // prefix in another team's bucket.
        const byBucket = new Map<string, SharedRead[]>();
        for (const r of input.sharedReads) {
            byBucket.set(r.bucketArn, [...(byBucket.get(r.bucketArn) ?? []), r]);
        }
        for (const [bucketArn, reads] of byBucket) {
            statements.push({
                Sid: `SharedDataList${reads[0].team.replace(/[^A-Za-z0-9]/g, "")}`,
                Effect: "Allow",
                Action: "s3:ListBucket",
                Resource: bucketArn,
                Condition: { StringLike: { "s3:prefix": reads.flatMap((r) => prefixListValues(r.prefix)) } },
            });
        }
    }
    statements.push({
        Sid: "StorageKeyViaS3",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: input.kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": s3ServiceHost(input.region) } },
    });
    return { Version: "2012-10-17", Statement: statements };
}

/** The team whose data prefix holds `prefix` (a shared read's owner), or undefined. */
export function prefixOwner(prefix: string, teams: readonly { readonly name: string; readonly dataPrefix: string }[]): string | undefined {
    return teams.find((t) => prefix === t.dataPrefix || prefix.startsWith(`${t.dataPrefix}/`))?.name;
}
