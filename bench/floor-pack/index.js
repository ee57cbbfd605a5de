"use strict";
// Benchmark floor (bench/run.ts, "cold-start"): bare node loading @pulumi/policy and serving a
// one-rule pack. Never writes to stdout itself: @pulumi/policy prints the gRPC port there.
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("moka-bench-floor", {
    enforcementLevel: "advisory",
    policies: [
        {
            name: "bench-floor-noop",
            description: "Checks nothing; the benchmark floor's only rule.",
            validateResource: () => undefined,
        },
    ],
});
