// The report's CSS. Everything is coloured through VS Code's theme variables (`--vscode-*`); the
// standalone file defines those variables itself, light by default and dark for
// prefers-color-scheme: dark, so one stylesheet serves both homes.

export const STANDALONE_THEME_CSS = `
:root {
  --vscode-font-family: system-ui, -apple-system, "Segoe UI", Ubuntu, sans-serif;
  --vscode-font-size: 13px;
  --vscode-editor-font-family: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace;
  --vscode-foreground: #3b3b3b;
  --vscode-descriptionForeground: #6f6f6f;
  --vscode-editor-background: #ffffff;
  --vscode-sideBar-background: #f8f8f8;
  --vscode-widget-border: #e0e0e0;
  --vscode-panel-border: #e5e5e5;
  --vscode-focusBorder: #005fb8;
  --vscode-textLink-foreground: #005fb8;
  --vscode-editorHoverWidget-background: #f8f8f8;
  --vscode-editorHoverWidget-foreground: #3b3b3b;
  --vscode-editorHoverWidget-border: #c8c8c8;
  --vscode-button-background: #005fb8;
  --vscode-button-foreground: #ffffff;
  --vscode-button-hoverBackground: #0258a8;
  --vscode-button-border: rgba(0, 0, 0, 0.1);
  --vscode-button-secondaryBackground: #e5e5e5;
  --vscode-button-secondaryForeground: #3b3b3b;
  --vscode-button-secondaryHoverBackground: #cccccc;
  --vscode-charts-foreground: #616161;
  --vscode-charts-lines: rgba(97, 97, 97, 0.5);
  --vscode-charts-red: #e51400;
  --vscode-charts-blue: #1a85ff;
  --vscode-charts-yellow: #bf8803;
  --vscode-charts-orange: #d18616;
  --vscode-charts-green: #388a34;
  --vscode-charts-purple: #652d90;
  --vscode-editorWarning-foreground: #bf8803;
  --vscode-editorInfo-foreground: #1a85ff;
  --vscode-terminal-ansiCyan: #0598bc;
  --vscode-disabledForeground: rgba(97, 97, 97, 0.5);
}
@media (prefers-color-scheme: dark) {
  :root {
    --vscode-foreground: #cccccc;
    --vscode-descriptionForeground: #9d9d9d;
    --vscode-editor-background: #1f1f1f;
    --vscode-sideBar-background: #181818;
    --vscode-widget-border: #313131;
    --vscode-panel-border: #2b2b2b;
    --vscode-focusBorder: #0078d4;
    --vscode-textLink-foreground: #4daafc;
    --vscode-editorHoverWidget-background: #202020;
    --vscode-editorHoverWidget-foreground: #cccccc;
    --vscode-editorHoverWidget-border: #454545;
    --vscode-button-background: #0078d4;
    --vscode-button-foreground: #ffffff;
    --vscode-button-hoverBackground: #026ec1;
    --vscode-button-border: rgba(255, 255, 255, 0.07);
    --vscode-button-secondaryBackground: #313131;
    --vscode-button-secondaryForeground: #cccccc;
    --vscode-button-secondaryHoverBackground: #3c3c3c;
    --vscode-charts-foreground: #cccccc;
    --vscode-charts-lines: rgba(204, 204, 204, 0.5);
    --vscode-charts-red: #f14c4c;
    --vscode-charts-blue: #3794ff;
    --vscode-charts-yellow: #cca700;
    --vscode-charts-orange: #d18616;
    --vscode-charts-green: #89d185;
    --vscode-charts-purple: #b180d7;
    --vscode-editorWarning-foreground: #cca700;
    --vscode-editorInfo-foreground: #3794ff;
    --vscode-terminal-ansiCyan: #29b8db;
    --vscode-disabledForeground: rgba(204, 204, 204, 0.5);
  }
}
`;

export const REPORT_CSS = `
:root {
  --cs-bg: var(--vscode-editor-background);
  --cs-fg: var(--vscode-foreground);
  --cs-muted: var(--vscode-descriptionForeground);
  --cs-border: var(--vscode-widget-border, var(--vscode-panel-border));
  --cs-read: var(--vscode-charts-blue);
  --cs-parse: var(--vscode-charts-purple);
  --cs-compute: var(--vscode-charts-green);
  --cs-encode: var(--vscode-charts-yellow);
  --cs-other: var(--vscode-disabledForeground);
  --cs-idle: rgba(128, 128, 128, 0.18);
  --cs-wait: var(--vscode-charts-orange);
  --cs-return: var(--vscode-terminal-ansiCyan);
  --cs-straggler: var(--vscode-charts-red);
  --cs-select: var(--vscode-focusBorder);
  --cs-main: var(--vscode-charts-purple);
  --cs-result: var(--vscode-terminal-ansiCyan);
  --cs-grid: rgba(128, 128, 128, 0.22);
  --cs-lane-bg: rgba(128, 128, 128, 0.07);
}
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body {
  background: var(--vscode-editor-background);
  color: var(--vscode-foreground);
  font-family: var(--vscode-font-family);
  font-size: var(--vscode-font-size, 13px);
  line-height: 1.4;
}
#app { padding: 16px 20px 40px; max-width: 1600px; margin: 0 auto; }
h1 { font-size: 1.45em; font-weight: 600; margin: 0 0 2px; }
h2 { font-size: 1.05em; font-weight: 600; margin: 0 0 8px; }
.sub, .muted { color: var(--vscode-descriptionForeground); }
header.top { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; justify-content: space-between; margin-bottom: 16px; }
.actions { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
.actions .status { color: var(--vscode-descriptionForeground); font-size: 0.9em; margin-right: 6px; }
section { margin: 0 0 22px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(128px, 1fr)); gap: 8px; }
.tile { border: 1px solid var(--cs-border); border-radius: 4px; padding: 8px 10px; min-width: 0; }
.tile .label { color: var(--vscode-descriptionForeground); font-size: 0.85em; }
.tile .value { font-size: 1.35em; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-variant-numeric: tabular-nums; }
.tile .note { color: var(--vscode-descriptionForeground); font-size: 0.8em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.tile.wide { grid-column: span 2; }
.busy-row { display: grid; grid-template-columns: max-content 1fr 3.2em; white-space: nowrap; gap: 6px; align-items: center; font-size: 0.85em; font-variant-numeric: tabular-nums; }
.meter { height: 7px; background: var(--cs-idle); border-radius: 2px; overflow: hidden; }
.meter > div { height: 100%; background: var(--cs-compute); }
.stacked { display: flex; height: 22px; border-radius: 3px; overflow: hidden; border: 1px solid var(--cs-border); }
.stacked > div { height: 100%; min-width: 0; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-top: 6px; font-size: 0.9em; }
.legend .key { display: inline-flex; gap: 6px; align-items: center; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; }
.sw-read { background: var(--cs-read); } .sw-parse { background: var(--cs-parse); }
.sw-compute { background: var(--cs-compute); } .sw-encode { background: var(--cs-encode); }
.sw-handoff, .sw-other { background: var(--cs-other); } .sw-idle { background: var(--cs-idle); }
.sw-wait { background: var(--cs-wait); height: 3px; } .sw-return { background: var(--cs-return); height: 3px; }
.sw-straggler { background: var(--cs-straggler); } .sw-result { background: var(--cs-result); width: 2px; }
.sw-main { background: var(--cs-main); }
.toolbar { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; margin-bottom: 6px; }
.toolbar .range { font-variant-numeric: tabular-nums; color: var(--vscode-descriptionForeground); }
.toolbar .hint { color: var(--vscode-descriptionForeground); font-size: 0.85em; margin-left: auto; }
.timeline-box { position: relative; border: 1px solid var(--cs-border); border-radius: 4px; overflow: hidden; }
.timeline-canvas { display: block; cursor: crosshair; outline: none; }
.timeline-canvas.dragging { cursor: grabbing; }
.timeline-canvas:focus-visible { box-shadow: inset 0 0 0 1px var(--vscode-focusBorder); }
.tooltip {
  position: fixed; z-index: 10; pointer-events: none; max-width: 460px;
  background: var(--vscode-editorHoverWidget-background); color: var(--vscode-editorHoverWidget-foreground);
  border: 1px solid var(--vscode-editorHoverWidget-border); border-radius: 3px; padding: 6px 8px;
  font-size: 12px; white-space: pre-line; box-shadow: 0 2px 8px rgba(0, 0, 0, 0.25); font-variant-numeric: tabular-nums;
}
.tooltip[hidden] { display: none; }
.tooltip .first { font-weight: 600; }
.selection { margin-top: 8px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; min-height: 28px; font-variant-numeric: tabular-nums; }
.selection .text { white-space: pre-line; font-size: 0.92em; }
.cols { display: grid; grid-template-columns: minmax(280px, 1fr) minmax(280px, 1fr); gap: 24px; }
@media (max-width: 760px) { .cols { grid-template-columns: 1fr; } .tile.wide { grid-column: span 1; } }
.hist-box { border: 1px solid var(--cs-border); border-radius: 4px; overflow: hidden; }
.histogram-canvas { display: block; }
.seg { display: inline-flex; gap: 4px; }
.findings { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.finding { border: 1px solid var(--cs-border); border-left: 3px solid var(--vscode-editorInfo-foreground); border-radius: 3px; padding: 8px 10px; }
.finding.warning { border-left-color: var(--vscode-editorWarning-foreground); }
.finding .title { font-weight: 600; }
.finding .detail { margin-top: 2px; }
.finding .suggestion { margin-top: 4px; }
.finding .numbers { margin-top: 4px; color: var(--vscode-descriptionForeground); font-size: 0.85em; font-family: var(--vscode-editor-font-family); }
.finding .chunks { margin-top: 4px; display: flex; flex-wrap: wrap; gap: 4px; }
a.link, button.link { color: var(--vscode-textLink-foreground); background: none; border: none; padding: 0; font: inherit; cursor: pointer; text-decoration: underline; }
.warnings { margin: 0 0 16px; padding-left: 18px; color: var(--vscode-editorWarning-foreground); }
.live-progress { margin: 12px 0 18px; }
.live-numbers { display: flex; gap: 18px; align-items: baseline; flex-wrap: wrap; margin-bottom: 6px; }
.live-numbers .value { font-size: 1.25em; font-variant-numeric: tabular-nums; }
.live-meter { height: 8px; }
.status.failed { color: var(--vscode-errorForeground, #f14c4c); }
.loading { color: var(--vscode-descriptionForeground); }
.compare-table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.compare-table th, .compare-table td { text-align: left; padding: 3px 14px 3px 0; vertical-align: top; }
.compare-table tbody th { font-weight: 600; white-space: nowrap; }
.compare-table .delta { font-weight: 600; }
:root {
  --cs-cat-user: #e8833a; --cs-cat-parser: #a98ad8; --cs-cat-engine: #6aa5dc; --cs-cat-node: #82c07f;
  --cs-cat-gc: #d9b84a; --cs-cat-idle: #b9b9b9; --cs-cat-other: #98b3c4;
  --cs-flame-slower: #e5484d; --cs-flame-faster: #3e7bfa; --cs-flame-same: #a8a8a8; --cs-flame-hit: #ff3db8; --cs-flame-text: #161616;
}
.flame-box { border: 1px solid var(--cs-border); border-radius: 4px; overflow: auto; max-height: 560px; }
.flame-canvas { display: block; cursor: pointer; outline: none; }
.flame-canvas:focus-visible { box-shadow: inset 0 0 0 1px var(--vscode-focusBorder); }
.flame-threads, .flame-search { background: var(--vscode-input-background, transparent); color: var(--vscode-input-foreground, inherit); border: 1px solid var(--cs-border); border-radius: 2px; padding: 3px 6px; font: inherit; }
.flame-search { min-width: 220px; }
.flame-info { margin: 0 0 6px; }
.flame-details { margin-top: 8px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; min-height: 28px; }
.flame-details .name { font-weight: 600; }
.flame-location { font-family: var(--vscode-editor-font-family); font-size: 0.9em; user-select: all; overflow-wrap: anywhere; }
.flame-sandwich { display: grid; grid-template-columns: minmax(360px, 3fr) minmax(240px, 2fr); gap: 18px; }
.flame-sandwich[hidden] { display: none; }
.flame-table-wrap { max-height: 480px; overflow: auto; border: 1px solid var(--cs-border); border-radius: 4px; }
.flame-table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 0.92em; }
.flame-table th, .flame-table td { text-align: left; padding: 2px 8px; white-space: nowrap; }
.flame-table th { position: sticky; top: 0; background: var(--vscode-editor-background); }
.flame-table .num { text-align: right; }
.flame-table th.sortable { cursor: pointer; }
.flame-table tbody tr { cursor: pointer; }
.flame-table tbody tr.selected { outline: 1px solid var(--vscode-focusBorder); background: rgba(128, 128, 128, 0.12); }
.flame-callers h3 { font-size: 1em; margin: 0 0 4px; }
.flame-edges { list-style: none; margin: 0 0 10px; padding: 0; font-variant-numeric: tabular-nums; }
.flame-edges .num { display: inline-block; min-width: 5.5em; text-align: right; color: var(--vscode-descriptionForeground); }
.flame-edges .link-row { cursor: pointer; }
.flame-focus { font-weight: 600; margin: 6px 0 10px; }
.cat-user { background: var(--cs-cat-user); } .cat-parser { background: var(--cs-cat-parser); } .cat-engine { background: var(--cs-cat-engine); }
.cat-node { background: var(--cs-cat-node); } .cat-gc { background: var(--cs-cat-gc); } .cat-idle { background: var(--cs-cat-idle); } .cat-other { background: var(--cs-cat-other); }
:root {
  --cs-series-0: var(--vscode-charts-blue); --cs-series-1: var(--vscode-charts-orange);
  --cs-series-2: var(--vscode-charts-green); --cs-series-3: var(--vscode-charts-purple);
  --cs-series-4: var(--vscode-charts-red); --cs-series-5: var(--vscode-terminal-ansiCyan);
  --cs-series-6: var(--vscode-charts-yellow); --cs-series-7: var(--vscode-descriptionForeground);
}
.sweep-box, .preview-box { border: 1px solid var(--cs-border); border-radius: 4px; overflow: hidden; }
.sweep-canvas, .preview-canvas { display: block; }
.sweep-canvas:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.legend .marker { display: inline-block; width: 9px; height: 9px; }
.legend .marker-circle { border-radius: 50%; }
.legend .marker-triangle { clip-path: polygon(50% 0, 100% 100%, 0 100%); }
.legend .marker-diamond { clip-path: polygon(50% 0, 100% 50%, 50% 100%, 0 50%); }
.legend .dash { display: inline-block; width: 18px; border-top: 2px dashed var(--vscode-descriptionForeground); }
.legend .ring { display: inline-block; width: 11px; height: 11px; border-radius: 50%; border: 2px solid var(--vscode-foreground); }
.slider-row label { color: var(--vscode-descriptionForeground); }
.slider-row input[type="range"] { flex: 1 1 260px; min-width: 180px; accent-color: var(--vscode-focusBorder); }
.slider-row input[type="range"]:focus-visible, .slider-row select:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
.slider-row output { min-width: 8em; font-variant-numeric: tabular-nums; font-weight: 600; }
.slider-row select { background: var(--vscode-dropdown-background, var(--vscode-editor-background)); color: var(--vscode-dropdown-foreground, var(--vscode-foreground)); border: 1px solid var(--vscode-dropdown-border, var(--cs-border)); border-radius: 2px; padding: 2px 4px; font: inherit; }
.prediction { white-space: pre-line; margin: 4px 0 8px; font-variant-numeric: tabular-nums; }
.settings-actions { margin-top: 10px; }
.cli { font-family: var(--vscode-editor-font-family); font-size: 0.92em; padding: 3px 6px; border: 1px solid var(--cs-border); border-radius: 3px; user-select: all; overflow-wrap: anywhere; }
.sweep-recs, .sweep-explanation { margin: 0 0 10px; padding-left: 18px; }
.sweep-recs li { margin-bottom: 3px; }
.sweep-table tr.best td { font-weight: 600; }
.sweep-table td, .sweep-table th { white-space: nowrap; }
[data-section="sweep-points"] { overflow-x: auto; }
`;
