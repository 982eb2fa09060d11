/** The console's stylesheet, served from /console/assets/console.css. */
export const CONSOLE_STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #5b6470; --line: #d7dce2; --ok: #116329; --warn: #8a4b00; --bad: #b3261e; --accent: #0b57d0; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --bg: #15181c; --muted: #a0a8b3; --line: #333a42; --ok: #5cc97b; --warn: #f0a64a; --bad: #ff8a80; --accent: #8ab4f8; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.bar { display: flex; gap: 1.5rem; align-items: baseline; padding: .6rem 1.2rem; border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; text-decoration: none; color: var(--fg); }
.bar nav a { margin-right: 1rem; }
main { padding: 0 1.2rem 2rem; max-width: 72rem; }
main:focus { outline: none; }
h1 { font-size: 1.35rem; margin: 1rem 0 .4rem; }
h2 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
code, .mono { font-family: ui-monospace, monospace; font-size: .9em; overflow-wrap: anywhere; }
.sign-in, .status { margin: .8rem 1.2rem; }
.sign-in input { width: min(28rem, 100%); padding: .3rem; }
.hint, .muted { color: var(--muted); font-size: .9em; }
button { font: inherit; padding: .25rem .8rem; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); color: var(--fg); cursor: pointer; }
button:hover { border-color: var(--accent); }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; border: 1px solid currentColor; font-size: .85em; }
.paid, .handled, .replayed { color: var(--ok); }
.pending, .reserved, .failed { color: var(--warn); }
.rejected, .payment_failed, .dead_lettered, .dead, .refused { color: var(--bad); }
ol.timeline { list-style: none; padding: 0; border-left: 2px solid var(--line); margin-left: .5rem; }
ol.timeline > li { position: relative; padding: .3rem 0 .6rem 1rem; }
ol.timeline > li::before { content: ""; position: absolute; left: -.45rem; top: .65rem; width: .7rem; height: .7rem; border-radius: 50%; background: var(--line); }
ol.timeline > li.failed::before { background: var(--warn); }
ol.timeline > li.dead_lettered::before { background: var(--bad); }
ol.timeline > li.event::before { background: var(--accent); }
ol.timeline ul { margin: .2rem 0 0; padding-left: 1.2rem; }
.when { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: .5rem; }
.counts { display: flex; flex-wrap: wrap; gap: .6rem 1.6rem; padding: 0; list-style: none; }
.counts strong { font-size: 1.3rem; display: block; }
form.filters { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: end; }
form.filters label { display: flex; flex-direction: column; font-size: .9em; }
form.filters input, form.filters select { font: inherit; padding: .2rem; }
pre { background: color-mix(in srgb, var(--line) 30%, transparent); padding: .6rem; overflow: auto; max-height: 28rem; }
`;
