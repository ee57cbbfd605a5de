/**
 * Spark configuration facts shared by the team Spark defaults (tenancy/spark-defaults.ts) and the History
 * Servers (spark/history-server-objects.ts): the S3A classes both use, and the one renderer of
 * `spark-defaults.conf`.
 */

/** Hadoop's S3A file system class. */
export const S3A_FILESYSTEM = "org.apache.hadoop.fs.s3a.S3AFileSystem";

/**
 * AWS SDK v2 provider that reads EKS Pod Identity credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI +
 * AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE). S3A takes SDK v2 providers from Hadoop 3.4 on.
 */
export const POD_IDENTITY_CREDENTIALS_PROVIDER = "software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider";

/** First line of a platform-managed `spark-defaults.conf`. */
export const MANAGED_CONF_HEADER = "# Managed by the Moka platform (Pulumi). Do not edit: changes are overwritten.";

export interface RenderOptions {
    /** Start with MANAGED_CONF_HEADER. Defaults to true. */
    readonly header?: boolean;
}

/**
 * Renders properties as a `spark-defaults.conf` file: the header (unless turned off), then `key value`
 * lines sorted by key (stable output, so a hash of it changes only when a property does). Throws when a
 * key contains whitespace or a value a line break (the format cannot hold them).
 */
export function renderSparkDefaultsConf(props: Readonly<Record<string, string>>, options: RenderOptions = {}): string {
    const bad: string[] = [];
    for (const [k, v] of Object.entries(props)) {
        if (!k || /\s/.test(k)) {
            bad.push(`key "${k}" is empty or contains whitespace`);
        }
        if (/[\r\n]/.test(v)) {
            bad.push(`value of "${k}" contains a line break`);
        }
    }
    if (bad.length > 0) {
        throw new Error(`renderSparkDefaultsConf: ${bad.join("; ")}`);
    }
    const lines = Object.keys(props).sort().map((k) => `${k} ${props[k]}`);
    return [...(options.header ?? true ? [MANAGED_CONF_HEADER] : []), ...lines, ""].join("\n");
}
