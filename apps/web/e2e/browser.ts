/** Debian's chromium, launched the same way by the e2e tests and the screenshot script. */
export const chromiumPath = process.env.MERIDIAN_CHROMIUM ?? "/usr/bin/chromium";
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
