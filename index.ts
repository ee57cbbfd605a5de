/**
 * Moka on Pulumi — wiring only. Config is loaded and validated first (nothing is registered if it
 * is wrong); then the components are built in dependency order and the app-team contract exported.
 */
import * as aws from "@pulumi/aws";
import { loadConfig } from "./config";

export = async () => {
    // 1. Validate every moka:* key before any resource exists.
    const cfg = loadConfig();

    // 2. One AWS provider for the stack: pinned account and region, cost-allocation tags on everything.
    const awsProvider = new aws.Provider(`${cfg.baseName}-aws`, {
        region: cfg.region as aws.Region,
        allowedAccountIds: [cfg.accountId],
        defaultTags: { tags: { ...cfg.tags } },
    });

    return { environment: cfg.environment, awsProvider: awsProvider.urn };
};
