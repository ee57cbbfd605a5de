/**
 * IAM rules about what a grant reaches rather than how it is written:
 *   - iam-sensitive-actions-scoped: privilege-escalation, credential-access and data-exfiltration
 *     actions (iam:PassRole, iam:PutRolePolicy, sts:AssumeRole, secretsmanager:GetSecretValue,
 *     ssm:GetParameter*, kms:Decrypt, s3:GetObject, …) allowed on every resource, even without a
 *     wildcard action (statements with wildcard actions are iam-no-wildcard-permissions' job);
 *   - iam-cross-account-trust-pinned: a role trusting a whole account (its root or bare account id)
 *     that is not this stack's, without sts:ExternalId or another condition pinning the caller;
 *   - iam-no-user-access-keys: long-lived IAM user access keys (advisory).
 *
 * "Every resource" is Resource "*", NotResource, or an ARN whose resource part is only wildcards
 * (arn:aws:s3:::*, arn:aws:secretsmanager:*:111111111111:secret:*; lib/iam.ts coversAnyResource). A
 * positive condition on the resource's tags, account or organisation (and kms:ViaService for KMS
 * actions) narrows the grant and is accepted. The platform's own roles pass: Karpenter passes only the
 * node role (iam:PassRole on its ARN) and reads only the public /aws/service/* SSM parameters; its
 * "*" statements are ec2:Describe*, pricing:GetProducts and iam:ListInstanceProfiles, none of them here.
 *
 * Own account for the trust rule: the AWS provider's allowedAccountIds (the platform sets it from
 * moka:accountId) plus the trustedAccountIds config. Trusting this stack's own account root is not
 * flagged: that delegates to the account's IAM policies, which still have to allow sts:AssumeRole on
 * the role. When the provider names no account, every account root counts as foreign (the message says
 * how to declare the own account).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { peek, isUnknownValue } from "../../lib/known";
import { asString, configValue, isStringArray } from "../../lib/props";
import { listText } from "../../lib/text";
import { URLS } from "../common";
import { AWS_PROVIDER_TYPE, IAM_ACCESS_KEY_TYPE, IAM_ROLE_TYPE, providerAllowedAccountIds } from "../lib/aws";
import { accountRootPrincipals, grantsAction, grantsWildcardAction, identityPolicyDocuments, isAllow, parsePolicyDocument, PolicyStatement } from "../lib/iam";
import { coversAnyResource, hasPinningCondition, hasResourceScopingCondition, statementCoversAnyResource, TRUST_PINNING_CONDITION_KEYS } from "../lib/iam-scope";

function stmtLabel(s: PolicyStatement): string {
    return s.sid ? `statement "${s.sid}"` : `statement #${s.index}`;
}

/**
 * Actions that turn a foothold into more access when allowed on every resource: privilege escalation
 * (pass or rewrite roles and policies, mint credentials, assume any role), credential access (secrets,
 * parameters, decryption) and bulk data reads. Cross-checked against Checkov CKV_AWS_286/287/288
 * (cloudsplaining's privilege-escalation, credentials-exposure and data-exfiltration families).
 */
const DEFAULT_SENSITIVE_ACTIONS = [
    "iam:PassRole",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:AttachUserPolicy",
    "iam:PutGroupPolicy",
    "iam:AttachGroupPolicy",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:UpdateAssumeRolePolicy",
    "iam:AddUserToGroup",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "sts:AssumeRole",
    "secretsmanager:GetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "kms:Decrypt",
    "s3:GetObject",
];

function resourceText(s: PolicyStatement): string {
    if (s.notResources !== undefined) {
        return "NotResource (everything else)";
    }
    return `Resource ${listText([...new Set(s.resources.filter(coversAnyResource).map((r) => `"${r.trim()}"`))])}`;
}

export const iamSensitiveActionsScoped: ResourceValidationPolicy = {
    name: "iam-sensitive-actions-scoped",
    description: "Checks that no IAM identity policy allows privilege-escalation, credential or data-exfiltration actions (iam:PassRole, secretsmanager:GetSecretValue, s3:GetObject, …) on every resource.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["iam", "least-privilege", "privilege-escalation"],
    url: URLS.iamLeastPrivilege,
    remediationSteps:
        "Scope Resource to the ARNs the workload needs (the node role it passes, its own secrets, parameters, keys and bucket prefixes), " +
        "or narrow the statement with a condition on aws:ResourceTag/<key>, aws:ResourceAccount or (for KMS) kms:ViaService.",
    configSchema: {
        properties: {
            sensitiveActions: {
                type: "array",
                items: { type: "string" },
                default: DEFAULT_SENSITIVE_ACTIONS,
                description: "Actions that must not be allowed on every resource (IAM globs in the policy are matched against them).",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const docs = identityPolicyDocuments(args.type, args.props);
        if (docs.length === 0) {
            return;
        }
        const sensitive = configValue(args.getConfig(), "sensitiveActions", DEFAULT_SENSITIVE_ACTIONS, isStringArray);
        for (const { label, doc } of docs) {
            for (const s of parsePolicyDocument(doc)?.statements ?? []) {
                if (!isAllow(s) || grantsWildcardAction(s) || !statementCoversAnyResource(s)) {
                    continue;
                }
                const hits = sensitive.filter((a) => grantsAction(s, a) && !hasResourceScopingCondition(s, a));
                if (hits.length > 0) {
                    reportViolation(
                        `IAM ${label} ${stmtLabel(s)} allows ${listText(hits)} on ${resourceText(s)}. On every resource these let a ` +
                            "compromised workload escalate (pass or rewrite any role or policy, mint credentials) or read every secret, " +
                            "parameter, key or object in the account. Scope Resource to the specific ARNs, or add an aws:ResourceTag / " +
                            "aws:ResourceAccount condition.",
                    );
                }
            }
        }
    },
};

/** The stack's own accounts as far as the resource's AWS provider tells (proxied reads: an unknown input throws). */
function ownAccounts(provider: { type: string; props: Record<string, unknown> } | undefined): string[] {
    return provider && provider.type === AWS_PROVIDER_TYPE ? providerAllowedAccountIds(provider.props) : [];
}

export const iamCrossAccountTrustPinned: ResourceValidationPolicy = {
    name: "iam-cross-account-trust-pinned",
    description: "Checks that role trust policies trusting a whole other AWS account (its root or account id) require sts:ExternalId or another condition that pins the caller.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["iam", "trust", "cross-account"],
    url: URLS.crossAccountTrust,
    remediationSteps:
        'Trust the specific role ARN in the other account that needs access, or add Condition: { StringEquals: { "sts:ExternalId": ' +
        '"<secret agreed with the third party>" } } (or aws:PrincipalOrgID for accounts of your organisation). List your own or otherwise ' +
        "trusted accounts in trustedAccountIds; the AWS provider's allowedAccountIds count as this stack's own.",
    configSchema: {
        properties: {
            trustedAccountIds: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "Accounts whose root may be trusted without a condition (in addition to the AWS provider's allowedAccountIds).",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== IAM_ROLE_TYPE) {
            return;
        }
        const parsed = parsePolicyDocument(args.props.assumeRolePolicy);
        const findings: { s: PolicyStatement; accounts: string[] }[] = [];
        for (const s of parsed?.statements ?? []) {
            if (!isAllow(s) || !grantsAction(s, "sts:AssumeRole") || hasPinningCondition(s, TRUST_PINNING_CONDITION_KEYS)) {
                continue;
            }
            const accounts = accountRootPrincipals(s);
            if (accounts.length > 0) {
                findings.push({ s, accounts });
            }
        }
        if (findings.length === 0) {
            return;
        }
        const own = new Set([...configValue(args.getConfig(), "trustedAccountIds", [] as string[], isStringArray), ...ownAccounts(args.provider)].map((a) => a.trim()));
        for (const { s, accounts } of findings) {
            const foreign = [...new Set(accounts)].filter((a) => !own.has(a));
            if (foreign.length === 0) {
                continue;
            }
            reportViolation(
                `The trust policy ${stmtLabel(s)} lets the whole AWS account${foreign.length > 1 ? "s" : ""} ${listText(foreign)} assume this role ` +
                    "without sts:ExternalId or another condition pinning the caller. Whoever that account's administrators allow (and, for a " +
                    "vendor's account, any of its other customers steering it: the confused-deputy problem) can act with this role's " +
                    "permissions. Trust the specific role ARN instead, or require sts:ExternalId." +
                    (own.size === 0
                        ? " This stack's own account is not known to the policy: if it is this account, set allowedAccountIds on the AWS provider or list it in trustedAccountIds."
                        : ""),
            );
        }
    },
};

export const iamNoUserAccessKeys: ResourceValidationPolicy = {
    name: "iam-no-user-access-keys",
    description: "Checks that the stack creates no long-lived IAM user access keys.",
    enforcementLevel: "advisory",
    severity: "medium",
    tags: ["iam", "credentials"],
    url: URLS.iamUserAccessKeys,
    remediationSteps:
        "Give workloads roles instead (EKS Pod Identity or IRSA in the cluster, an instance profile on EC2, OIDC federation for CI); " +
        "for people use IAM Identity Center. If a key is unavoidable, keep it out of the stack state and rotate it.",
    validateResource: (args, reportViolation) => {
        if (args.type !== IAM_ACCESS_KEY_TYPE) {
            return;
        }
        if (asString(args.props.status)?.trim().toLowerCase() === "inactive") {
            return;
        }
        // The user's name only labels the message: read raw, so a computed name does not hide the finding.
        const user = peek(args.props, "user");
        const name = typeof user === "string" && !isUnknownValue(user) && user.trim() !== "" ? `"${user.trim()}"` : "(computed at deploy)";
        reportViolation(
            `This creates a long-lived access key for IAM user ${name}. Static keys do not expire, end up in CI variables, laptops and ` +
                "this stack's state, and are the most common source of leaked AWS credentials. Use a role (Pod Identity, IRSA, OIDC " +
                "federation or an instance profile) instead.",
        );
    },
};
