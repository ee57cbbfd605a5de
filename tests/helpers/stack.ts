/** Runs a stack of the platform program under the project's mocks, for tests. */
import { loadPlatformProgram, type MockRunResult, readStackConfig, runUnderMocks } from "../../preview/mocks";

/** The platform program with `Pulumi.<stack>.yaml`, plus overrides (`namespace:key` → raw config string). */
export function runStack(stack: string, overrides: Record<string, string> = {}): Promise<MockRunResult> {
    return runUnderMocks({ stack, config: { ...readStackConfig(stack), ...overrides }, program: loadPlatformProgram() });
}
