/**
 * IAM rules. Policy documents arrive as JSON strings or objects, with single values or arrays
 * (policies/security/lib/iam.ts normalises them).
 *   - identity policies: `aws:iam/policy:Policy`, `rolePolicy`, `userPolicy`, `groupPolicy` (`policy`),
 *     `aws:iam/role:Role` `inlinePolicies[].policy`, plus attachments of broad AWS-managed policies;
 *   - resource policies: `aws:s3/bucketPolicy`, `aws:sqs/queuePolicy`, `aws:ecr/repositoryPolicy`,
 *     `aws:sns/topicPolicy` (`policy`), the `policy` of buckets, queues and KMS keys, and role trust
 *     policies (`assumeRolePolicy`);
 *   - web-identity (IRSA/OIDC) trust policies must pin the token's `sub` exactly.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, asString, asStringArray, configValue, get, isStringArray } from "../../lib/props";
import { listText } from "../../lib/text";
import { awsFsbp, URLS } from "../common";
import {
    BUCKET_POLICY_TYPE,
    BUCKET_TYPES,
    ECR_REPOSITORY_POLICY_TYPE,
    IAM_IDENTITY_POLICY_TYPES,
    IAM_POLICY_ATTACHMENT_TYPES,
    IAM_ROLE_TYPE,
    KMS_KEY_TYPE,
    parseArn,
    SNS_TOPIC_POLICY_TYPE,
    SQS_QUEUE_POLICY_TYPE,
    SQS_QUEUE_TYPE,
} from "../lib/aws";
import {
    conditionEntries,
    grantsAction,
    grantsWildcardAction,
    hasPrincipalScopingCondition,
    hasWildcardResource,
    isAllow,
    isPublicPrincipal,
    parsePolicyDocument,
    PolicyStatement,
} from "../lib/iam";

function stmtLabel(s: PolicyStatement): string {
    return s.sid ? `statement "${s.sid}"` : `statement #${s.index}`;
}

function actionText(s: PolicyStatement): string {
    return s.notActions !== undefined ? `NotAction [${s.notActions.join(", ")}]` : `Action [${s.actions.join(", ")}]`;
}

/** Identity-policy documents of a resource, labelled for messages. */
function identityDocuments(type: string, props: Record<string, unknown>): { label: string; doc: unknown }[] {
    if (IAM_IDENTITY_POLICY_TYPES.has(type)) {
        return [{ label: "policy", doc: props.policy }];
    }
    if (type === IAM_ROLE_TYPE) {
        return asArray(props.inlinePolicies).map((p, i) => ({ label: `inline policy "${asString(get(p, "name")) ?? i}"`, doc: get(p, "policy") }));
    }
    return [];
}

const DEFAULT_FORBIDDEN_MANAGED = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

/** Names of AWS-managed policies (arn:aws:iam::aws:policy/...) attached by the resource that are forbidden. */
function forbiddenAttachments(type: string, props: Record<string, unknown>, forbidden: readonly string[]): string[] {
    let arns: string[] = [];
    if (IAM_POLICY_ATTACHMENT_TYPES.has(type)) {
        arns = asStringArray(props.policyArn);
    } else if (type === IAM_ROLE_TYPE) {
        arns = asStringArray(props.managedPolicyArns);
    }
    const names = new Set(forbidden.map((f) => f.toLowerCase()));
    return arns
        .map((a) => parseArn(a))
        .filter((a) => a !== undefined && a.service === "iam" && a.account === "aws")
        .map((a) => a!.resource.split("/").pop() ?? "")
        .filter((n) => names.has(n.toLowerCase()));
}

export const iamNoWildcardPermissions: ResourceValidationPolicy = {
    name: "iam-no-wildcard-permissions",
    description: "Checks that no IAM identity policy allows all actions of a service (or NotAction) on all resources, and that no admin-level AWS managed policy is attached.",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["iam", "least-privilege"],
    url: URLS.iamLeastPrivilege,
    framework: awsFsbp("IAM.1", 'IAM policies should not allow full "*" administrative privileges'),
    remediationSteps:
        'List the specific actions the workload calls and scope Resource to the ARNs (or ARN prefixes) it touches. Never combine "*" / ' +
        '"service:*" / NotAction with Resource "*". Replace AdministratorAccess-style attachments with a least-privilege policy.',
    configSchema: {
        properties: {
            forbiddenManagedPolicies: {
                type: "array",
                items: { type: "string" },
                default: DEFAULT_FORBIDDEN_MANAGED,
                description: "Names of AWS-managed policies (arn:aws:iam::aws:policy/<name>) that must not be attached.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        for (const { label, doc } of identityDocuments(args.type, args.props)) {
            const parsed = parsePolicyDocument(doc);
            for (const s of parsed?.statements ?? []) {
                if (isAllow(s) && grantsWildcardAction(s) && hasWildcardResource(s)) {
                    reportViolation(
                        `IAM ${label} ${stmtLabel(s)} allows ${actionText(s)} on ${s.notResources !== undefined ? "NotResource (everything else)" : 'Resource "*"'}. ` +
                            "That is administrator-level (or whole-service) access: one compromised workload can read, change or delete " +
                            "everything the service holds. Name the actions it needs and scope Resource to specific ARNs.",
                    );
                }
            }
        }
        const forbidden = configValue(args.getConfig(), "forbiddenManagedPolicies", DEFAULT_FORBIDDEN_MANAGED, isStringArray);
        const attached = forbiddenAttachments(args.type, args.props, forbidden);
        if (attached.length > 0) {
            reportViolation(
                `This resource attaches the AWS managed ${listText(attached)} ${attached.length > 1 ? "policies" : "policy"}, which ` +
                    "grant(s) administrator-level access. Attach a least-privilege customer-managed policy instead.",
            );
        }
    },
};

/** Resource-policy documents of a resource: [label, document, isTrustPolicy]. */
function resourceDocuments(type: string, props: Record<string, unknown>): { label: string; doc: unknown; trust: boolean }[] {
    if (type === BUCKET_POLICY_TYPE || type === SQS_QUEUE_POLICY_TYPE || type === ECR_REPOSITORY_POLICY_TYPE || type === SNS_TOPIC_POLICY_TYPE) {
        return [{ label: "resource policy", doc: props.policy, trust: false }];
    }
    if ((BUCKET_TYPES.has(type) || type === SQS_QUEUE_TYPE || type === KMS_KEY_TYPE) && props.policy !== undefined) {
        return [{ label: "inline resource policy", doc: props.policy, trust: false }];
    }
    if (type === IAM_ROLE_TYPE) {
        return [{ label: "trust policy (assumeRolePolicy)", doc: props.assumeRolePolicy, trust: true }];
    }
    return [];
}

export const resourcePolicyNoPublicAccess: ResourceValidationPolicy = {
    name: "resource-policy-no-public-access",
    description: "Checks that no resource or trust policy allows a wildcard principal broad access without a condition that pins the caller.",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["iam", "public-access", "s3", "sqs"],
    url: URLS.resourcePolicies,
    remediationSteps:
        'Name the principals (account or role ARNs) instead of "*", or keep "*" only together with a condition such as ' +
        "aws:PrincipalOrgID, aws:SourceArn or aws:SourceVpce; and list specific actions instead of \"*\" / \"service:*\".",
    validateResource: (args, reportViolation) => {
        for (const { label, doc, trust } of resourceDocuments(args.type, args.props)) {
            const parsed = parsePolicyDocument(doc);
            for (const s of parsed?.statements ?? []) {
                if (!isAllow(s) || !isPublicPrincipal(s) || hasPrincipalScopingCondition(s)) {
                    continue;
                }
                const broad = trust ? grantsAction(s, "sts:AssumeRole") || grantsWildcardAction(s) : grantsWildcardAction(s);
                if (broad) {
                    reportViolation(
                        `The ${label} ${stmtLabel(s)} allows a wildcard principal (${s.notPrincipal !== undefined ? "NotPrincipal" : 'Principal "*"'}) ` +
                            `${actionText(s)} with no condition pinning the caller. ` +
                            (trust ? "Any AWS account can assume this role. " : "Any AWS account, or anyone on the internet, gets that access. ") +
                            "Name the allowed principals, or add an aws:PrincipalOrgID / aws:SourceArn / aws:SourceVpce condition, and list specific actions.",
                    );
                }
            }
        }
    },
};

const WEB_IDENTITY_ACTION = "sts:AssumeRoleWithWebIdentity";
/** Positive string operators that constrain a key to the listed values (IfExists / ForAllValues / Not* do not). */
const PINNING_OPERATOR = /^(ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|StringLike)$/i;

export const iamWebIdentitySubPinned: ResourceValidationPolicy = {
    name: "iam-web-identity-sub-pinned",
    description: "Checks that role trust policies allowing sts:AssumeRoleWithWebIdentity pin the token subject (:sub) to exact values.",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["iam", "irsa", "oidc", "eks"],
    url: URLS.irsaTrust,
    remediationSteps:
        'Add Condition: { StringEquals: { "<issuer>:sub": "system:serviceaccount:<namespace>:<serviceaccount>", "<issuer>:aud": ' +
        '"sts.amazonaws.com" } } with exact values (no * or ?), or use EKS Pod Identity (principal pods.eks.amazonaws.com).',
    validateResource: (args, reportViolation) => {
        if (args.type !== IAM_ROLE_TYPE) {
            return;
        }
        const parsed = parsePolicyDocument(args.props.assumeRolePolicy);
        for (const s of parsed?.statements ?? []) {
            if (!isAllow(s) || !grantsAction(s, WEB_IDENTITY_ACTION)) {
                continue;
            }
            const subs = conditionEntries(s).filter((c) => /:sub$/i.test(c.key.trim()));
            const pinning = subs.filter((c) => PINNING_OPERATOR.test(c.operator.trim()));
            const wildcards = pinning.flatMap((c) => c.values).filter((v) => /[*?]/.test(v) || v.trim() === "");
            const exact = pinning.filter((c) => c.values.length > 0 && c.values.every((v) => !/[*?]/.test(v) && v.trim() !== ""));
            let problem: string | undefined;
            if (subs.length === 0) {
                problem = "has no condition on the token's :sub claim";
            } else if (wildcards.length > 0) {
                problem = `matches the token's :sub against wildcard pattern(s) ${listText(wildcards.map((w) => `"${w}"`))}`;
            } else if (exact.length === 0) {
                problem = `constrains :sub only with ${listText([...new Set(subs.map((c) => c.operator))])}, which does not pin it to exact values`;
            }
            if (problem) {
                reportViolation(
                    `The trust policy ${stmtLabel(s)} allows ${WEB_IDENTITY_ACTION} but ${problem}. Any service account in the ` +
                        "cluster (or any identity the OIDC provider issues tokens for) could then assume this role. " +
                        'Add StringEquals { "<issuer>:sub": "system:serviceaccount:<namespace>:<name>" } with exact values.',
                );
            }
        }
    },
};
