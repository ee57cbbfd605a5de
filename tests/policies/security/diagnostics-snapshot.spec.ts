/** Replays tests/policies/security/snapshots/diagnostics.json: exact diagnostics (full messages, levels, URNs) for the rule specs' inputs. */
import * as path from "path";
import { securityPack } from "../../../policies/security/pack";
import { replayDiagnosticSnapshot } from "../diagnostics-snapshot";

replayDiagnosticSnapshot(securityPack, path.join(__dirname, "snapshots/diagnostics.json"));
