/**
 * A small harness that runs this program under Pulumi's mocks (`pulumi.runtime.setMocks`): every resource
 * registration is recorded, the platform's StackReference answers with fixed outputs, and the program's
 * outputs are resolved. No cloud, no Pulumi CLI, no platform repository needed.
 */
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
}

export interface RunResult {
    readonly resources: Registered[];
    readonly outputs: Record<string, unknown>;
}

export interface RunOptions {
    readonly project: string;
    readonly stack: string;
    /** Flat `namespace:key` → value stack config, as the CLI passes it. */
    readonly config: Record<string, string>;
    /** Fully qualified stack name → the outputs it publishes (and which of them are secrets). */
    readonly stackReferences: Record<string, { readonly outputs: Record<string, unknown>; readonly secretOutputNames?: readonly string[] }>;
}

const STACK_REFERENCE = "pulumi:pulumi:StackReference";

/** Resolves a value that may hold Outputs. */
function resolve(value: unknown): Promise<unknown> {
    return new Promise((done) => (pulumi.output(value) as pulumi.Output<unknown>).apply((v) => { done(v); return v; }));
}

/** Runs `program` (this project's default export) under mocks. */
export async function runProgram(program: () => Promise<Record<string, unknown>>, opts: RunOptions): Promise<RunResult> {
    const resources: Registered[] = [];
    pulumi.runtime.setAllConfig(opts.config, []);
    await pulumi.runtime.setMocks({
        newResource(args: pulumi.runtime.MockResourceArgs) {
            if (args.type === STACK_REFERENCE) {
                const name = String(args.inputs.name ?? args.name);
                const ref = opts.stackReferences[name];
                if (!ref) {
                    throw new Error(`unmocked StackReference "${name}"`);
                }
                return { id: name, state: { name, outputs: ref.outputs, secretOutputNames: [...(ref.secretOutputNames ?? [])] } };
            }
            resources.push({ urn: `urn:pulumi:${opts.stack}::${opts.project}::${args.type}::${args.name}`, type: args.type, name: args.name, inputs: args.inputs });
            const metadata = args.inputs.metadata ? { metadata: { ...args.inputs.metadata, name: args.inputs.metadata.name ?? args.name } } : {};
            return { id: `${args.name}-id`, state: { ...args.inputs, ...metadata } };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            throw new Error(`unmocked call ${args.token}`);
        },
    }, opts.project, opts.stack, false);
    const outputs = await program();
    const resolved: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(outputs)) {
        resolved[k] = await resolve(v);
    }
    return { resources, outputs: resolved };
}

/** The `config:` entries of a Pulumi.<stack>.yaml file (flat `project:key: value` lines, as this project writes them). */
export function readStackConfig(text: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const m of text.matchAll(/^ {2}([\w-]+:[\w-]+):\s*"?([^"\n]*?)"?\s*$/gm)) {
        out[m[1]] = m[2];
    }
    return out;
}
