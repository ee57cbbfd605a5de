/**
 * Pure IAM builders for a team's workload role (components/tenancy/index.ts).
 *
 * The role is assumed through EKS Pod Identity by the team's `spark` ServiceAccount only: the trust
 * policy checks the session tags Pod Identity sets (`eks-cluster-name`, `kubernetes-namespace`,
 * `kubernetes-service-account`; EKS user guide "Create IAM role with trust policy required by EKS Pod
 * Identity"), so another association in the account cannot borrow the role.
 *
 * The access policy follows Hadoop's S3A permission list (hadoop-aws assumed_roles.md, "Restricting S3A
 * operations through AWS Policies") narrowed to prefixes. Each prefix is granted as two resources,
 * `<prefix>` and `<prefix>/*`: S3A probes the directory key itself (HEAD `<prefix>`) before listing,
 * and a single `<prefix>*` would also match sibling prefixes (`teams/ads` vs `teams/ads-archive`).
 */

/** IAM caps role names at 64 characters. */
export const IAM_ROLE_NAME_MAX = 64;
import type { PolicyDocument, PolicyStatement } from "../shared/iam";
import { S3_PREFIX } from "../../lib/patterns";

/** The team's IAM role name: `<baseName>-team-<team>`. */
export function teamRoleName(baseName: string, team: string): string {
    return `${baseName}-team-${team}`;
}

/** Trust policy: EKS Pod Identity, only for `<namespace>/<serviceAccount>` on `<clusterName>`. */
export function teamTrustPolicy(input: { clusterName: string; namespace: string; serviceAccount: string }): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "AllowEksPodIdentityForTeamServiceAccount",
            Effect: "Allow",
            Principal: { Service: "pods.eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: {
                StringEquals: {
                    "aws:RequestTag/eks-cluster-name": input.clusterName,
                    "aws:RequestTag/kubernetes-namespace": input.namespace,
                    "aws:RequestTag/kubernetes-service-account": input.serviceAccount,
                },
            },
        }],
    };
}

export interface TeamAccessPolicyInput {
    /** ARN of the data bucket (`arn:aws:s3:::<name>`). */
    readonly dataBucketArn: string;
    /** ARN of the event-log bucket. */
    readonly eventLogBucketArn: string;
    /** ARN of the KMS key both buckets are encrypted with. */
    readonly kmsKeyArn: string;
    /** The team's read/write prefix in the data bucket. */
    readonly dataPrefix: string;
    /** Prefixes in the data bucket the team may read. */
    readonly sharedPrefixes: readonly string[];
    /** The team's directory in the event-log bucket (`teamEventLogPrefix(...)`). */
    readonly eventLogPrefix: string;
    /** Region of the buckets; the key may be used only through S3 in this region. */
    readonly region: string;
}

const BUCKET_ARN = /^arn:aws[a-z-]*:s3:::[a-z0-9.-]{3,63}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** Object ARNs for a prefix: the directory key itself and everything below it. */
export function prefixObjectArns(bucketArn: string, prefix: string): string[] {
    return [`${bucketArn}/${prefix}`, `${bucketArn}/${prefix}/*`];
}

/** `s3:prefix` values that allow listing a prefix and everything below it (S3A lists with a trailing '/'). */
export function prefixListValues(prefix: string): string[] {
    return [`${prefix}/`, `${prefix}/*`];
}

function s3ServiceHost(region: string): string {
    return region.startsWith("cn-") ? `s3.${region}.amazonaws.com.cn` : `s3.${region}.amazonaws.com`;
}

/** Problems with the access-policy input; empty when it is usable. */
export function teamAccessPolicyProblems(input: TeamAccessPolicyInput): string[] {
    const problems: string[] = [];
    for (const [key, arn] of [["dataBucketArn", input.dataBucketArn], ["eventLogBucketArn", input.eventLogBucketArn]] as const) {
        if (!BUCKET_ARN.test(arn)) {
            problems.push(`${key} "${arn}" is not an S3 bucket ARN`);
        }
    }
    if (!KMS_KEY_ARN.test(input.kmsKeyArn)) {
        problems.push(`kmsKeyArn "${input.kmsKeyArn}" is not a KMS key ARN`);
    }
    const prefixes: [string, string][] = [["dataPrefix", input.dataPrefix], ["eventLogPrefix", input.eventLogPrefix]];
    input.sharedPrefixes.forEach((p, i) => prefixes.push([`sharedPrefixes[${i}]`, p]));
    for (const [key, p] of prefixes) {
        if (!S3_PREFIX.test(p) || p.split("/").includes("..")) {
            problems.push(`${key} "${p}" is not an S3 prefix (no wildcards, no leading or trailing '/', no '..')`);
        }
    }
    return problems;
}

/**
 * The team role's permissions:
 *  - read/write/delete objects under its own data prefix, list only that prefix;
 *  - read (and list) each shared prefix;
 *  - write its event logs under its event-log directory (rolling logs and the final rename of
 *    `appstatus_*.inprogress` need Get/Delete/List as well);
 *  - use the storage KMS key, only through S3 in the bucket region.
 * Throws on malformed input (an ARN or prefix that would widen the grant).
 */
export function teamAccessPolicy(input: TeamAccessPolicyInput): PolicyDocument {
    const problems = teamAccessPolicyProblems(input);
    if (problems.length > 0) {
        throw new Error(`teamAccessPolicy: ${problems.join("; ")}`);
    }
    const statements: PolicyStatement[] = [
        {
            Sid: "TeamDataReadWrite",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            Resource: prefixObjectArns(input.dataBucketArn, input.dataPrefix),
        },
        {
            Sid: "TeamDataList",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: input.dataBucketArn,
            Condition: {
                StringLike: {
                    "s3:prefix": [input.dataPrefix, ...input.sharedPrefixes].flatMap(prefixListValues),
                },
            },
        },
    ];
    if (input.sharedPrefixes.length > 0) {
        statements.push({
            Sid: "SharedDataRead",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: input.sharedPrefixes.flatMap((p) => prefixObjectArns(input.dataBucketArn, p)),
        });
    }
    statements.push(
        {
            Sid: "TeamEventLogWrite",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            Resource: prefixObjectArns(input.eventLogBucketArn, input.eventLogPrefix),
        },
        {
            Sid: "TeamEventLogList",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: input.eventLogBucketArn,
            Condition: { StringLike: { "s3:prefix": prefixListValues(input.eventLogPrefix) } },
        },
        {
            Sid: "StorageKeyViaS3",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
            Resource: input.kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": s3ServiceHost(input.region) } },
        },
    );
    return { Version: "2012-10-17", Statement: statements };
}
