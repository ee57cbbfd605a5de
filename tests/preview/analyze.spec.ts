import { strict as assert } from "assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { analyzePacks, downgradeResourceReferences, effectivePolicyConfig, PackDefinition, UNKNOWN } from "../../preview/analyze";

const resourceRule: ResourceValidationPolicy = {
    name: "max-size",
    description: "Checks that size stays below the configured maximum.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Lower size.",
    configSchema: { properties: { max: { type: "number", default: 10 } } },
    validateResource: (args, report) => {
        const max = (args.getConfig<{ max?: number }>().max ?? 10);
        if (args.type === "test:index:Thing" && (args.props.size as number) > max) {
            report(`size ${args.props.size} > ${max}`);
        }
    },
};
const stackRule: StackValidationPolicy = {
    name: "at-most-two",
    description: "Checks that the stack has at most two things.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        if (args.resources.filter((r) => r.type === "test:index:Thing").length > 2) {
            report("too many things");
        }
    },
};
const pack: PackDefinition = { name: "test", version: "1.2.3", enforcementLevel: "advisory", policies: [resourceRule, stackRule] };
const thing = (name: string, size: unknown) => ({ urn: `urn:pulumi:s::p::test:index:Thing::${name}`, type: "test:index:Thing", name, properties: { size } });

describe("in-process analyzer (@pulumi/policy server handlers)", () => {
    it("attributes per-resource diagnostics to the analyzed resource and carries metadata", async () => {
        const ds = await analyzePacks([pack], [thing("a", 5), thing("b", 50)]);
        assert.equal(ds.length, 1);
        assert.equal(ds[0].policy, "max-size");
        assert.equal(ds[0].resourceName, "b");
        assert.equal(ds[0].urn, "urn:pulumi:s::p::test:index:Thing::b");
        assert.equal(ds[0].enforcementLevel, "mandatory");
        assert.equal(ds[0].severity, "high");
        assert.equal(ds[0].remediationSteps, "Lower size.");
        assert.equal(ds[0].packVersion, "1.2.3");
    });

    it("applies --policy-pack-config like the CLI: properties, levels, disabled", async () => {
        const rs = [thing("a", 5), thing("b", 8), thing("c", 9)];
        assert.equal((await analyzePacks([pack], rs, { config: { "max-size": { max: 6 } } })).filter((d) => d.policy === "max-size").length, 2);
        const advisory = await analyzePacks([pack], [thing("b", 50)], { config: { "max-size": "advisory" } });
        assert.equal(advisory[0].enforcementLevel, "advisory");
        assert.equal((await analyzePacks([pack], rs, { config: { "at-most-two": "disabled" } })).length, 0);
        const stack = await analyzePacks([pack], rs);
        assert.deepEqual(stack.map((d) => d.policy), ["at-most-two"]);
    });

    it("fills schema defaults before user config", () => {
        assert.deepEqual(effectivePolicyConfig(pack, resourceRule, undefined), { level: "mandatory", props: { max: 10 } });
        assert.deepEqual(effectivePolicyConfig(pack, resourceRule, { "max-size": { enforcementLevel: "disabled", max: 3 } }), { level: "disabled", props: { max: 3 } });
    });

    it("turns an unknown value into an advisory preview diagnostic, not a violation", async () => {
        const ds = await analyzePacks([pack], [thing("u", UNKNOWN)]);
        assert.equal(ds.length, 1);
        assert.equal(ds[0].unknownValue, true);
        assert.equal(ds[0].enforcementLevel, "advisory");
    });

    it("downgrades resource references to IDs (custom) or URNs (components), as the engine does", () => {
        const sig = "4dabf18193072939515e22adb298388d";
        const ref = { [sig]: "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:x", id: "i-1" };
        const comp = { [sig]: "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:comp" };
        assert.deepEqual(downgradeResourceReferences({ a: ref, b: [comp], c: 1 }), { a: "i-1", b: ["urn:comp"], c: 1 });
    });
});
