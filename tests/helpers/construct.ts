/**
 * Runs a component constructor under mocks and captures what it threw, plus how many real (custom,
 * non-provider) resources got registered anyway. Constructors must fail fast: the error, and nothing
 * created.
 */
import * as k8s from "@pulumi/kubernetes";
import { runUnderMocks } from "../../preview/mocks";

export const TEST_CONFIG = { "aws:region": "us-west-2", "moka:accountId": "111111111111" };

export async function constructionErrors(build: (provider: k8s.Provider) => void, config: Record<string, string> = TEST_CONFIG): Promise<{ errors: string[]; created: number }> {
    const errors: string[] = [];
    const run = await runUnderMocks({
        stack: "test",
        config,
        program: () => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            try {
                build(provider);
            } catch (e) {
                errors.push((e as Error).message);
            }
            return {};
        },
    });
    return { errors, created: run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).length };
}
