/** Values AWS accepts, in one place for config, components and the policy packs. */

/** CloudWatch Logs accepts only these `retentionInDays` values (PutRetentionPolicy API reference). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** True when `days` is a CloudWatch Logs retention value. */
export function isLogRetentionDays(days: unknown): days is (typeof LOG_RETENTION_DAYS)[number] {
    return typeof days === "number" && (LOG_RETENTION_DAYS as readonly number[]).includes(days);
}

/** The message every retention check uses. */
export const LOG_RETENTION_MESSAGE = `must be a CloudWatch Logs retention value (${LOG_RETENTION_DAYS.join(", ")})`;
