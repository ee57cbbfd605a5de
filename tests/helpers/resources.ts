/** Query helpers over the resources a mocked run recorded (preview/mocks.ts RecordedResource). */
import type { RecordedResource } from "../../preview/mocks";

export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

export function byName(resources: readonly RecordedResource[], name: string): RecordedResource {
    const found = resources.filter((r) => r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected exactly one resource named ${name}, found ${found.length}`);
    }
    return found[0];
}

/** Parses an IAM policy document that may be a JSON string or an object. */
export function policyDoc(value: unknown): { Version?: string; Statement: any[] } {
    const doc = typeof value === "string" ? JSON.parse(value) : value;
    const st = (doc as any)?.Statement;
    return { ...(doc as object), Statement: Array.isArray(st) ? st : st ? [st] : [] };
}
