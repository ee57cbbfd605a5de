/**
 * IAM rules. Policy documents arrive as JSON strings or objects, with single values or arrays
 * (policies/security/lib/iam.ts normalises them).
 *   - identity policies: `aws:iam/policy:Policy`, `rolePolicy`, `userPolicy`, `groupPolicy` (`policy`),
 *     `aws:iam/role:Role` `inlinePolicies[].policy`, plus attachments of broad AWS-managed policies
 *     (`policyArn` of the attachment types, `policyArns` of the *PolicyAttachmentsExclusive types,
 *     `managedPolicyArns` of a role);
 *   - resource policies: `aws:s3/bucketPolicy`, `aws:sqs/queuePolicy`, `aws:ecr/repositoryPolicy`,
 *     `aws:sns/topicPolicy`, `aws:secretsmanager/secretPolicy` (`policy`), the `policy` of buckets,
 *     queues, topics and KMS keys, role trust policies (`assumeRolePolicy`), and Lambda permissions
 *     (`principal` "*" without sourceArn / sourceAccount / principalOrgId);
 *   - web-identity (IRSA/OIDC) trust policies must pin the token's `sub` exactly.
 * Privilege-escalation actions on every resource and whole-account trust live in ./iam-access.ts.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asString, asStringArray, configValue, isStringArray } from "../../lib/props";
import { listText } from "../../lib/text";
import { awsFsbp, URLS } from "../common";
import {
    BUCKET_POLICY_TYPE,
    BUCKET_TYPES,
    ECR_REPOSITORY_POLICY_TYPE,
    IAM_POLICY_ATTACHMENT_TYPES,
    IAM_POLICY_ATTACHMENTS_EXCLUSIVE_TYPES,
    IAM_ROLE_TYPE,
    KMS_KEY_TYPE,
    LAMBDA_PERMISSION_TYPE,
    parseArn,
    SECRET_POLICY_TYPE,
    SNS_TOPIC_POLICY_TYPE,
    SNS_TOPIC_TYPE,
    SQS_QUEUE_POLICY_TYPE,
    SQS_QUEUE_TYPE,
} from "../lib/aws";
import {
    actionMatches,
    conditionEntries,
    grantsAction,
    grantsWildcardAction,
    hasWildcardResource,
    identityPolicyDocuments,
    isAllow,
    isPublicPrincipal,
    parsePolicyDocument,
    PolicyStatement,
    wildcardAccountPrincipals,
} from "../lib/iam";
import { hasPrincipalScopingCondition, unpinningConditions } from "../lib/iam-scope";

function stmtLabel(s: PolicyStatement): string {
    return s.sid ? `statement "${s.sid}"` : `statement #${s.index}`;
}

function actionText(s: PolicyStatement): string {
    return s.notActions !== undefined ? `NotAction [${s.notActions.join(", ")}]` : `Action [${s.actions.join(", ")}]`;
}

const DEFAULT_FORBIDDEN_MANAGED = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];
/** Globs over AWS-managed policy names: every "...FullAccess" policy grants a whole service, AdministratorAccess-* variants more. */
const DEFAULT_FORBIDDEN_PATTERNS = ["*FullAccess", "AdministratorAccess*"];

/** ARNs of the managed policies a resource attaches. */
function attachedPolicyArns(type: string, props: Record<string, unknown>): string[] {
    if (IAM_POLICY_ATTACHMENT_TYPES.has(type)) {
        return asStringArray(props.policyArn);
    }
    if (IAM_POLICY_ATTACHMENTS_EXCLUSIVE_TYPES.has(type)) {
        return asStringArray(props.policyArns);
    }
    if (type === IAM_ROLE_TYPE) {
        return asStringArray(props.managedPolicyArns);
    }
    return [];
}

/**
 * Names of AWS-managed policies (arn:aws:iam::aws:policy/[path/]name) attached by the resource that are
 * forbidden by name or by glob and not explicitly allowed. Compared case-insensitively.
 */
function forbiddenAttachments(type: string, props: Record<string, unknown>, names: readonly string[], patterns: readonly string[], allowed: readonly string[]): string[] {
    const forbidden = new Set(names.map((f) => f.toLowerCase()));
    const exempt = new Set(allowed.map((f) => f.toLowerCase()));
    const attached = attachedPolicyArns(type, props)
        .map((a) => parseArn(a))
        .filter((a) => a !== undefined && a.service === "iam" && a.account === "aws")
        .map((a) => a!.resource.split("/").pop() ?? "");
    return [...new Set(attached)].filter((n) => !exempt.has(n.toLowerCase()) && (forbidden.has(n.toLowerCase()) || patterns.some((p) => actionMatches(p, n))));
}

export const iamNoWildcardPermissions: ResourceValidationPolicy = {
    name: "iam-no-wildcard-permissions",
    description: "Checks that no IAM identity policy allows all actions of a service (or NotAction) on all resources, and that no admin-level or FullAccess AWS managed policy is attached.",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["iam", "least-privilege"],
    url: URLS.iamLeastPrivilege,
    framework: awsFsbp("IAM.1", 'IAM policies should not allow full "*" administrative privileges'),
    remediationSteps:
        'List the specific actions the workload calls and scope Resource to the ARNs (or ARN prefixes) it touches. Never combine "*" / ' +
        '"service:*" / NotAction with Resource "*". Replace AdministratorAccess- and *FullAccess-style managed-policy attachments (e.g. ' +
        "AmazonS3FullAccess) with a customer-managed policy scoped to the workload's resources.",
    configSchema: {
        properties: {
            forbiddenManagedPolicies: {
                type: "array",
                items: { type: "string" },
                default: DEFAULT_FORBIDDEN_MANAGED,
                description: "Names of AWS-managed policies (arn:aws:iam::aws:policy/<name>) that must not be attached.",
            },
            forbiddenManagedPolicyPatterns: {
                type: "array",
                items: { type: "string" },
                default: DEFAULT_FORBIDDEN_PATTERNS,
                description: "Globs (* and ?) over AWS-managed policy names that must not be attached; the default catches every whole-service FullAccess policy.",
            },
            allowedManagedPolicies: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "AWS-managed policy names accepted even though a name or pattern above matches them.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        for (const { label, doc } of identityPolicyDocuments(args.type, args.props)) {
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
        const config = args.getConfig();
        const forbidden = configValue(config, "forbiddenManagedPolicies", DEFAULT_FORBIDDEN_MANAGED, isStringArray);
        const patterns = configValue(config, "forbiddenManagedPolicyPatterns", DEFAULT_FORBIDDEN_PATTERNS, isStringArray);
        const allowed = configValue(config, "allowedManagedPolicies", [] as string[], isStringArray);
        const attached = forbiddenAttachments(args.type, args.props, forbidden, patterns, allowed);
        if (attached.length > 0) {
            reportViolation(
                `This resource attaches the AWS managed ${listText(attached)} ${attached.length > 1 ? "policies" : "policy"}, which ` +
                    "grant(s) administrator-level or whole-service access (every action on every resource of the service). A compromised " +
                    "workload holding it can read, change or delete all of that data. Attach a least-privilege customer-managed policy instead.",
            );
        }
    },
};

/** Resources whose whole purpose is one resource-policy document in `policy`. */
const RESOURCE_POLICY_TYPES: ReadonlySet<string> = new Set([BUCKET_POLICY_TYPE, SQS_QUEUE_POLICY_TYPE, ECR_REPOSITORY_POLICY_TYPE, SNS_TOPIC_POLICY_TYPE, SECRET_POLICY_TYPE]);

/** Resource-policy documents of a resource: [label, document, isTrustPolicy]. */
function resourceDocuments(type: string, props: Record<string, unknown>): { label: string; doc: unknown; trust: boolean }[] {
    if (RESOURCE_POLICY_TYPES.has(type)) {
        return [{ label: "resource policy", doc: props.policy, trust: false }];
    }
    if ((BUCKET_TYPES.has(type) || type === SQS_QUEUE_TYPE || type === KMS_KEY_TYPE || type === SNS_TOPIC_TYPE) && props.policy !== undefined) {
        return [{ label: "inline resource policy", doc: props.policy, trust: false }];
    }
    if (type === IAM_ROLE_TYPE) {
        return [{ label: "trust policy (assumeRolePolicy)", doc: props.assumeRolePolicy, trust: true }];
    }
    return [];
}

/** Who a public statement lets in, for messages. */
function publicWho(s: PolicyStatement, wildAccounts: readonly string[]): string {
    if (s.notPrincipal !== undefined) {
        return "NotPrincipal";
    }
    if (s.principal?.wildcard) {
        return 'Principal "*"';
    }
    return `Principal ${listText(wildAccounts.map((p) => `"${p.trim()}"`))}, whose account is a wildcard`;
}

function nonEmpty(v: unknown): boolean {
    const s = asString(v);
    return s !== undefined && s.trim() !== "";
}

export const resourcePolicyNoPublicAccess: ResourceValidationPolicy = {
    name: "resource-policy-no-public-access",
    description: "Checks that no resource policy, trust policy or Lambda permission allows a wildcard principal any action without a condition that pins the caller.",
    enforcementLevel: "mandatory",
    severity: "critical",
    tags: ["iam", "public-access", "s3", "sqs", "sns", "kms", "lambda"],
    url: URLS.resourcePolicies,
    remediationSteps:
        'Name the principals (account or role ARNs) instead of "*" (or an arn:aws:iam::*:... pattern), or keep "*" only together with a ' +
        "positive condition that pins the caller to concrete values: aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceArn, " +
        "aws:SourceAccount or aws:SourceVpce. Lambda permissions: set sourceArn / sourceAccount / principalOrgId, or name the principal.",
    validateResource: (args, reportViolation) => {
        if (args.type === LAMBDA_PERMISSION_TYPE) {
            const principal = asString(args.props.principal)?.trim();
            if (principal === "*" && !nonEmpty(args.props.sourceArn) && !nonEmpty(args.props.sourceAccount) && !nonEmpty(args.props.principalOrgId)) {
                reportViolation(
                    `This Lambda permission lets any principal ("*") call ${asString(args.props.action)?.trim() || "the function"} with no ` +
                        "sourceArn, sourceAccount or principalOrgId. Anyone with AWS credentials (any account) can invoke the function. " +
                        "Name the calling service or account as principal and pin it with sourceArn / sourceAccount.",
                );
            }
            return;
        }
        for (const { label, doc, trust } of resourceDocuments(args.type, args.props)) {
            const parsed = parsePolicyDocument(doc);
            for (const s of parsed?.statements ?? []) {
                if (!isAllow(s)) {
                    continue;
                }
                const wildAccounts = wildcardAccountPrincipals(s);
                const grantsSomething = s.notActions !== undefined || s.actions.some((a) => a.trim() !== "");
                if ((!isPublicPrincipal(s) && wildAccounts.length === 0) || !grantsSomething || hasPrincipalScopingCondition(s)) {
                    continue;
                }
                const conditions = unpinningConditions(s);
                reportViolation(
                    `The ${label} ${stmtLabel(s)} allows a wildcard principal (${publicWho(s, wildAccounts)}) ${actionText(s)} with no condition ` +
                        `pinning the caller${conditions.length > 0 ? ` (its Condition ${conditions.join("; ")} admits every caller)` : ""}. ` +
                        (trust ? "Any AWS account can assume this role. " : "Any AWS account, or anyone on the internet, gets that access. ") +
                        "Name the allowed principals, or add a positive aws:PrincipalOrgID / aws:SourceArn / aws:SourceAccount / aws:SourceVpce " +
                        "condition with concrete values.",
                );
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
