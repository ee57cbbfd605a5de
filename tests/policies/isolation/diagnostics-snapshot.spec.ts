/** Replays tests/policies/isolation/snapshots/diagnostics.json: exact diagnostics (full messages, levels, URNs) for the rule specs' inputs. */
import * as path from "path";
import { isolationPack } from "../../../policies/isolation/pack";
import { replayDiagnosticSnapshot } from "../diagnostics-snapshot";

replayDiagnosticSnapshot(isolationPack, path.join(__dirname, "snapshots/diagnostics.json"));
