/** Validation patterns shared by config.ts and the components' own argument checks. */

/** A Kubernetes DNS-1123 label (namespace and team names). Length is checked separately. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** An S3 key prefix: safe characters, no leading or trailing '/', no wildcards. */
export const S3_PREFIX = /^[A-Za-z0-9!_.'()-]+(\/[A-Za-z0-9!_.'()-]+)*$/;

/** An AWS region name such as us-west-2. */
export const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** A 12-digit AWS account id. */
export const AWS_ACCOUNT_ID = /^\d{12}$/;

/** An IAM role ARN (any partition, optional path). */
export const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** A private ECR registry host; groups: account, region. `<acct>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`. */
export const ECR_PRIVATE_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
