/**
 * IAM document types and the EKS Pod Identity trust policy shared by every component that gives a
 * workload an AWS role. Pure; documents are passed to resources with JSON.stringify.
 */

/** One IAM policy statement. */
export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action: string | string[];
    readonly Resource?: string | string[];
    readonly Principal?: "*" | { readonly Service: string | string[] } | { readonly AWS: string | string[] };
    readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Id?: string;
    readonly Statement: PolicyStatement[];
}

/** The workload a Pod Identity role is for: the session tags EKS Pod Identity sets on every session. */
export interface PodIdentityWorkload {
    readonly clusterName: string;
    readonly namespace: string;
    readonly serviceAccount: string;
}

/**
 * Trust policy of a role assumed through EKS Pod Identity: the `pods.eks.amazonaws.com` service with
 * `sts:AssumeRole` and `sts:TagSession`. The agent tags each session with `eks-cluster-name`,
 * `kubernetes-namespace` and `kubernetes-service-account` (EKS user guide, "Create IAM role with trust
 * policy required by EKS Pod Identity" / pod-id-abac session tags), so with `workload` the role trusts
 * only that ServiceAccount on that cluster (`aws:RequestTag/...`): another association in the account
 * cannot borrow it. With `sourceAccount`, only clusters in that account may use the role (confused deputy).
 */
export function podIdentityTrustPolicy(opts: { readonly sourceAccount?: string; readonly workload?: PodIdentityWorkload; readonly sid?: string } = {}): PolicyDocument {
    const equals: Record<string, string> = {
        ...(opts.sourceAccount !== undefined ? { "aws:SourceAccount": opts.sourceAccount } : {}),
        ...(opts.workload !== undefined
            ? {
                "aws:RequestTag/eks-cluster-name": opts.workload.clusterName,
                "aws:RequestTag/kubernetes-namespace": opts.workload.namespace,
                "aws:RequestTag/kubernetes-service-account": opts.workload.serviceAccount,
            }
            : {}),
    };
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: opts.sid ?? "AllowEksPodIdentity",
            Effect: "Allow",
            Principal: { Service: "pods.eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            ...(Object.keys(equals).length > 0 ? { Condition: { StringEquals: equals } } : {}),
        }],
    };
}

/** The ARN of a CloudWatch log group, as the encryption context names it. */
export function logGroupArn(partition: string, region: string, accountId: string, logGroupName: string): string {
    return `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}`;
}

/**
 * Key policy of a CloudWatch Logs key (shared/log-key.ts): the account administers the key through IAM
 * (the standard root statement; in a key policy `Resource: "*"` means this key), and CloudWatch Logs may
 * use it only for the named log groups (encryption-context condition).
 */
export function logGroupKeyPolicy(partition: string, region: string, accountId: string, logGroupNames: readonly string[], sid: string): PolicyDocument {
    const arns = logGroupNames.map((n) => logGroupArn(partition, region, accountId, n));
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersKeyThroughIam",
                Effect: "Allow",
                Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: sid,
                Effect: "Allow",
                Principal: { Service: `logs.${region}.amazonaws.com` },
                Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": arns.length === 1 ? arns[0] : arns } },
            },
        ],
    };
}
