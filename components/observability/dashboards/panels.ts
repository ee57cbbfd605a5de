/**
 * Panel helpers over Grafana's typed SDK (@grafana/grafana-foundation-sdk 0.0.21, pinned): every
 * dashboard uses the provisioned AMP data source, gets sequential panel ids (the SDK sets none) and the
 * same time settings. Pure; the Grafana component serialises `build()` into the sidecar's ConfigMaps.
 *
 * The SDK is CommonJS with subpath `exports` only; tsconfig maps the subpaths to its dist/ for the type
 * checker (moduleResolution node ignores `exports`), Node resolves them through `exports` at run time.
 */
import * as bargauge from "@grafana/grafana-foundation-sdk/bargauge";
import {
    LegendDisplayMode, LegendPlacement, ReduceDataOptionsBuilder, StackingConfigBuilder, StackingMode, VizLegendOptionsBuilder,
} from "@grafana/grafana-foundation-sdk/common";
import {
    CustomVariableBuilder, DashboardBuilder, DashboardCursorSync, DashboardLinkBuilder, DashboardLinkType, type Dashboard,
} from "@grafana/grafana-foundation-sdk/dashboard";
import * as piechart from "@grafana/grafana-foundation-sdk/piechart";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as text from "@grafana/grafana-foundation-sdk/text";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";

/**
 * The provisioned data source every panel queries: the AMP plugin's type (Grafana 13's core Prometheus
 * type has no SigV4) and the fixed uid the Grafana component provisions it with.
 */
export const AMP_DATASOURCE = { type: "grafana-amazonprometheus-datasource", uid: "amp" } as const;

/** One PromQL target. */
export interface Query {
    readonly expr: string;
    /** Legend template, e.g. "{{namespace}}". Defaults to Grafana's (the series labels). */
    readonly legend?: string;
    /** Evaluate once at the end of the range (stat, table, pie). Defaults to false. */
    readonly instant?: boolean;
}

/** A data link (opened from a table cell or a series), with Grafana's `${__data.fields.<label>}` interpolation. */
export interface Link {
    readonly title: string;
    readonly url: string;
}

type AnyPanel = timeseries.PanelBuilder | stat.PanelBuilder | table.PanelBuilder | piechart.PanelBuilder | bargauge.PanelBuilder | text.PanelBuilder;

/** Common panel fields. */
export interface PanelSpec {
    readonly title: string;
    readonly description: string;
    readonly queries: readonly Query[];
    /** Grafana unit id (short, percentunit, bytes, currencyUSD, s, ops…). */
    readonly unit?: string;
    /** Width in grid columns (of 24) and height in rows. Default 12 × 8. */
    readonly w?: number;
    readonly h?: number;
    readonly links?: readonly Link[];
}

function targets(qs: readonly Query[]): DataqueryBuilder[] {
    return qs.map((q, i) => {
        const b = new DataqueryBuilder().expr(q.expr).refId(String.fromCharCode(65 + i));
        if (q.legend !== undefined) {
            b.legendFormat(q.legend);
        }
        if (q.instant) {
            b.instant();
        }
        return b;
    });
}

const dataLinks = (links: readonly Link[] = []) => links.map((l) => new DashboardLinkBuilder(l.title).type(DashboardLinkType.Link).url(l.url).targetBlank(true));

function common<T extends Exclude<AnyPanel, text.PanelBuilder>>(p: T, s: PanelSpec): T {
    p.title(s.title).description(s.description).datasource(AMP_DATASOURCE).targets(targets(s.queries)).span(s.w ?? 12).height(s.h ?? 8);
    if (s.unit !== undefined) {
        p.unit(s.unit);
    }
    if (s.links && s.links.length > 0) {
        p.dataLinks(dataLinks(s.links));
    }
    return p;
}

const tableLegend = () => new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.Table).placement(LegendPlacement.Bottom).calcs(["lastNotNull", "max"]);

export function timeseriesPanel(s: PanelSpec): timeseries.PanelBuilder {
    return common(new timeseries.PanelBuilder(), s).legend(tableLegend()).fillOpacity(10);
}

export function stackedPanel(s: PanelSpec): timeseries.PanelBuilder {
    return timeseriesPanel(s).fillOpacity(60).stacking(new StackingConfigBuilder().mode(StackingMode.Normal).group("A"));
}

export function statPanel(s: PanelSpec): stat.PanelBuilder {
    return common(new stat.PanelBuilder(), { w: 6, h: 5, ...s }).reduceOptions(new ReduceDataOptionsBuilder().calcs(["lastNotNull"]));
}

export function tablePanel(s: PanelSpec): table.PanelBuilder {
    return common(new table.PanelBuilder(), { w: 24, ...s }).showHeader(true).filterable(true);
}

export function piePanel(s: PanelSpec): piechart.PanelBuilder {
    return common(new piechart.PanelBuilder(), { w: 8, ...s }).reduceOptions(new ReduceDataOptionsBuilder().calcs(["lastNotNull"]));
}

export function barGaugePanel(s: PanelSpec): bargauge.PanelBuilder {
    return common(new bargauge.PanelBuilder(), s).reduceOptions(new ReduceDataOptionsBuilder().calcs(["lastNotNull"]));
}

export function textPanel(title: string, markdown: string, w = 24, h = 6): text.PanelBuilder {
    return new text.PanelBuilder().title(title).mode(text.TextMode.Markdown).content(markdown).span(w).height(h);
}

/** A multi-value variable with fixed options (teams, pools: from the stack config, so a quiet team still shows). */
export function customVariable(name: string, label: string, values: readonly string[]): CustomVariableBuilder {
    return new CustomVariableBuilder(name).label(label).values(values.join(",")).multi(true).includeAll(true);
}

export interface DashboardSpec {
    readonly uid: string;
    readonly title: string;
    readonly description: string;
    readonly variables: readonly CustomVariableBuilder[];
    readonly panels: readonly AnyPanel[];
}

/** Builds a dashboard: sequential panel ids, last 6 hours, refreshed every minute, read-only (provisioned). */
export function buildDashboard(d: DashboardSpec): Dashboard {
    const b = new DashboardBuilder(d.title).uid(d.uid).description(d.description).tags(["moka", "spark", "platform"])
        .time({ from: "now-6h", to: "now" }).refresh("1m").timezone("browser").readonly().tooltip(DashboardCursorSync.Crosshair);
    for (const v of d.variables) {
        b.withVariable(v);
    }
    d.panels.forEach((p, i) => b.withPanel(p.id(i + 1)));
    return b.build();
}

/** Every PromQL expression of a built dashboard, with its panel title (for the catalogue test and the README). */
export function dashboardQueries(d: Dashboard): { panel: string; expr: string }[] {
    return (d.panels ?? []).flatMap((p) => {
        const ts = ("targets" in p ? p.targets : undefined) as { expr?: string }[] | undefined;
        return (ts ?? []).filter((t) => typeof t.expr === "string").map((t) => ({ panel: p.title ?? "", expr: t.expr! }));
    });
}
