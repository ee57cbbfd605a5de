/** Replays tests/policies/cost/snapshots/diagnostics.json: exact diagnostics (full messages, levels, URNs) for the rule specs' inputs. */
import * as path from "path";
import { costPack } from "../../../policies/cost/pack";
import { replayDiagnosticSnapshot } from "../diagnostics-snapshot";

replayDiagnosticSnapshot(costPack, path.join(__dirname, "snapshots/diagnostics.json"));
