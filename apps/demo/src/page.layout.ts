import { html, SafeHtml } from './html.util.js';

const STYLE = `
  :root { color-scheme: light; --accent: #3370ff; --muted: #646a73; --border: #dee0e3; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2329;
         background: #f5f6f7; }
  header { background: #fff; border-bottom: 1px solid var(--border); padding: 12px 24px;
           display: flex; gap: 20px; align-items: center; }
  header strong { margin-right: auto; }
  header a { color: var(--muted); text-decoration: none; }
  main { max-width: 880px; margin: 32px auto; padding: 0 24px; }
  .card { background: #fff; border: 1px solid var(--border); border-radius: 10px; padding: 24px;
          margin-bottom: 20px; }
  .profile { display: flex; gap: 20px; align-items: center; }
  .profile img { width: 72px; height: 72px; border-radius: 50%; background: #eef0f3; }
  .profile h1 { margin: 0; font-size: 24px; }
  .muted { color: var(--muted); }
  .button { display: inline-block; padding: 9px 18px; border-radius: 6px; background: var(--accent);
            color: #fff; text-decoration: none; font-weight: 600; border: 0; cursor: pointer; }
  .button.secondary { background: #fff; color: #1f2329; border: 1px solid var(--border); }
  .notice { border-radius: 8px; padding: 12px 16px; margin-bottom: 20px; }
  .notice.error { background: #fff0f0; border: 1px solid #f8c7c5; color: #a1260d; }
  .notice.info { background: #f0f4ff; border: 1px solid #c2d4ff; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--border);
           vertical-align: top; }
  th { font-weight: 600; color: var(--muted); font-size: 13px; }
  code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f2f3f5;
         padding: 1px 5px; border-radius: 4px; }
  ul.links { padding-left: 18px; margin: 0; }
`;

/** The shell every demo page shares: title, navigation, inline CSS; no front-end build. */
export function renderPage(options: {
  title: string;
  target: string;
  body: SafeHtml;
  /** Reload the page every so many seconds (the status page, to watch renewals). */
  refreshSeconds?: number;
}): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}" />` : undefined}
        <link rel="icon" href="data:," />
        <title>${options.title} · Feishu auth demo</title>
        <style>
          ${new SafeHtml(STYLE)}
        </style>
      </head>
      <body>
        <header>
          <strong>Feishu auth demo</strong>
          <span class="muted" data-testid="target">${options.target}</span>
          <a href="/">Home</a>
          <a href="/status">Token status</a>
        </header>
        <main>${options.body}</main>
      </body>
    </html>`.value;
}
