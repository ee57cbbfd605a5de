import { strict as assert } from "assert";
import { applyOverrides, parseOverride } from "../../preview/overrides";

describe("--config overrides", () => {
    const base = { "moka:environment": "prod", "moka:network": JSON.stringify({ vpcCidr: "10.0.0.0/16", azCount: 3 }), "moka:cluster": JSON.stringify({ publicAccessCidrs: [] }) };

    const table: [string, string, unknown][] = [
        ["moka:environment=dev", "moka:environment", "dev"],
        ["moka:network.azCount=2", "moka:network", { vpcCidr: "10.0.0.0/16", azCount: 2 }],
        ["moka:cluster.publicAccessCidrs[0]=0.0.0.0/0", "moka:cluster", { publicAccessCidrs: ["0.0.0.0/0"] }],
        ['moka:cluster.publicAccessCidrs=["1.2.3.0/24"]', "moka:cluster", { publicAccessCidrs: ["1.2.3.0/24"] }],
        ["moka:network.azCount=null", "moka:network", { vpcCidr: "10.0.0.0/16" }],
        ["moka:engines.ray=true", "moka:engines", { ray: true }],
        ["aws:region=eu-west-1", "aws:region", "eu-west-1"],
    ];
    for (const [arg, key, expected] of table) {
        it(arg, () => {
            const out = applyOverrides(base, [parseOverride(arg)]);
            const v = out[key];
            assert.deepEqual(typeof expected === "string" ? v : JSON.parse(v), expected);
        });
    }

    it("rejects malformed arguments with the offending text", () => {
        assert.throws(() => parseOverride("moka:environment"), /key=value.*"moka:environment"/);
        assert.throws(() => parseOverride("environment=dev"), /not namespace:name/);
        assert.throws(() => parseOverride("moka:a..b=1"), /not namespace:name/);
    });

    it("does not mutate the input map", () => {
        const copy = JSON.parse(JSON.stringify(base));
        applyOverrides(base, [parseOverride("moka:network.azCount=5")]);
        assert.deepEqual(base, copy);
    });
});
