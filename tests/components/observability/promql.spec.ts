import * as assert from "assert";
import { parsePromQL, tokenize } from "../../../components/observability/dashboards/promql";

/** [query, metrics, matchers as "metric:label op value", grouping labels, produced labels, source labels] */
type Row = [string, (string | undefined)[], string[], string[], string[], string[]];

const TABLE: Row[] = [
    ["up", ["up"], [], [], [], []],
    ['up{job="karpenter"}', ["up"], ['up:job="karpenter"'], [], [], []],
    ['rate(x_total{a="1", b!="2", c=~"3|4", d!~"5"}[5m])', ["x_total"], ['x_total:a="1"', 'x_total:b!="2"', 'x_total:c=~"3|4"', 'x_total:d!~"5"'], [], [], []],
    ['sum by (namespace) (increase(a_total{namespace=~"$team"}[1h]))', ["a_total"], ['a_total:namespace=~"$team"'], ["namespace"], [], []],
    ["sum(rate(a[$__rate_interval])) without (pod, container)", ["a"], [], ["pod", "container"], [], []],
    ["histogram_quantile(0.99, sum by (le, controller) (rate(h_bucket[5m])))", ["h_bucket"], [], ["le", "controller"], [], []],
    ["a * on(node) group_left(label_arch) b", ["a", "b"], [], ["node", "label_arch"], [], []],
    ["a / ignoring(state) group_right() b", ["a", "b"], [], ["state"], [], []],
    ["a > bool 0 and b or c unless d offset 5m", ["a", "b", "c", "d"], [], [], [], []],
    ['label_replace(vector(0.04), "instance_family", "m7g", "", "") or label_replace(x, "dst", "$1", "src", "(.*)")', ["x"], [], [], ["instance_family", "dst"], ["src"]],
    ['label_join(x, "foo", ",", "a", "b")', ["x"], [], [], ["foo"], ["a", "b"]],
    ['count_values("version", build_info)', ["build_info"], [], [], ["version"], []],
    ['{__name__="up", job="x"}', ["up"], ['up:job="x"'], [], [], []],
    ['{__name__=~"up|down"}', [undefined], [], [], [], []],
    ["max_over_time(a[1h:5m]) @ end()", ["a"], [], [], [], []],
    ['topk(5, sum by (pod) (a{b="c,d"}))', ["a"], ['a:b="c,d"'], ["pod"], [], []],
    ["metrics_spark_driver_appStatus_jobs_succeededJobs_Count", ["metrics_spark_driver_appStatus_jobs_succeededJobs_Count"], [], [], [], []],
    ["sum(a) / sum(b) # a comment with c_total", ["a", "b"], [], [], [], []],
];

describe("promql reader", () => {
    for (const [q, metrics, matchers, grouping, produced, sources] of TABLE) {
        it(q, () => {
            const s = parsePromQL(q);
            assert.deepStrictEqual(s.selectors.map((x) => x.metric), metrics);
            assert.deepStrictEqual(s.selectors.flatMap((x) => x.matchers.map((m) => `${x.metric}:${m.label}${m.op}"${m.value}"`)), matchers);
            assert.deepStrictEqual(s.groupingLabels, grouping);
            assert.deepStrictEqual(s.producedLabels, produced);
            assert.deepStrictEqual(s.sourceLabels, sources);
        });
    }

    const bad: [string, RegExp][] = [
        ["sum(a", /unbalanced '\('/],
        ["a)", /unbalanced '\)'/],
        ['a{b="c"', /malformed label matcher|expected/],
        ["a{b=c}", /malformed label matcher/],
        ['a{b="c" d="e"}', /expected ',' or '\}'/],
        ['a{b="c}', /unterminated string/],
        ["rate(a[5m)", /unbalanced|unterminated/],
        ["sum by (a b", /unexpected|unterminated/],
        ["a ; b", /unexpected character/],
    ];
    for (const [q, re] of bad) {
        it(`rejects ${q}`, () => assert.throws(() => parsePromQL(q), re));
    }

    it("template variables are values, never names", () => {
        assert.deepStrictEqual(tokenize("a{x=~\"$team\"} / ${pool}").filter((t) => t.kind === "ident").map((t) => t.text), ["a", "x"]);
    });
});
