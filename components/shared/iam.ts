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

/**
 * Trust policy of a role assumed through EKS Pod Identity: the `pods.eks.amazonaws.com` service with
 * `sts:AssumeRole` and `sts:TagSession` (the agent tags sessions with cluster, namespace and service
 * account). With `sourceAccount`, only clusters in that account may use the role (confused deputy).
 */
export function podIdentityTrustPolicy(opts: { readonly sourceAccount?: string } = {}): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "AllowEksPodIdentity",
            Effect: "Allow",
            Principal: { Service: "pods.eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            ...(opts.sourceAccount !== undefined ? { Condition: { StringEquals: { "aws:SourceAccount": opts.sourceAccount } } } : {}),
        }],
    };
}
