/*
 * Mocha reporter: the usual spec output, plus a machine-readable summary written to
 * reports/mocha.json (stats and every failure) that .ci/run turns into its closing
 * "N passed, N failed" line. Counts come from the real run, so a run with no tests shows 0 passed.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const Mocha = require("mocha");

const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class CiReporter extends Mocha.reporters.Spec {
    constructor(runner, options) {
        super(runner, options);
        const passed = [];
        const failed = [];
        const pending = [];
        runner.on(EVENT_TEST_PASS, (t) => passed.push(t.fullTitle()));
        runner.on(EVENT_TEST_FAIL, (t, err) => failed.push({ title: t.fullTitle(), error: String((err && err.message) || err) }));
        runner.on(EVENT_TEST_PENDING, (t) => pending.push(t.fullTitle()));
        runner.once(EVENT_RUN_END, () => {
            const out = path.resolve(process.env.MOKA_TEST_REPORT || "reports/mocha.json");
            fs.mkdirSync(path.dirname(out), { recursive: true });
            fs.writeFileSync(out, JSON.stringify({ passed: passed.length, failed: failed.length, pending: pending.length, failures: failed }, null, 2));
        });
    }
}

module.exports = CiReporter;
