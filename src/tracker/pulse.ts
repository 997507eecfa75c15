// The pulse.js tracker, as a browser runs it (served by GET /pulse.js, minified at build time; see
// docs/tracker.md). Page views on load and on single-page-app navigation, window.pulse() for custom
// events; no cookies, nothing stored: the server derives the visitor id. Kept under 1 KB gzipped.

type PulseCall = (eventType: string, options?: { path?: string }) => void;
// sendBeacon and fetch are optional: old browsers, and pages that remove them, lack them.
type PulseWindow = Omit<Window, 'fetch'> & {
  fetch?: Window['fetch'];
  pulse?: PulseCall & { q?: IArguments[] };
  doNotTrack?: string;
};
type PulseNavigator = Omit<Navigator, 'sendBeacon'> & {
  sendBeacon?: Navigator['sendBeacon'];
  globalPrivacyControl?: boolean;
  msDoNotTrack?: string;
};

const w = window as PulseWindow;
const d = document;
const nav = navigator as PulseNavigator;
const loc = location;
const script = (d.currentScript || d.querySelector('script[data-site]')) as HTMLScriptElement | null;

if (script) {
  const has = (name: string) => script.hasAttribute(`data-${name}`);
  const site = script.getAttribute('data-site');
  const api = (script.getAttribute('data-api') || new URL(script.src).origin).replace(/\/+$/, '');
  const withHash = has('hash');
  // Nothing leaves a developer's own machine unless asked, nor the browser of a visitor who opted out.
  const off =
    (!has('include-localhost') &&
      (/^(localhost|127(\.\d+){3}|\[::1\])$/.test(loc.hostname) || loc.protocol === 'file:')) ||
    (has('respect-dnt') &&
      (nav.globalPrivacyControl || /^(1|yes)$/.test(nav.doNotTrack || w.doNotTrack || nav.msDoNotTrack || '')));
  const ignored = () => {
    try {
      return localStorage.getItem('pulse_ignore') === 'true';
    } catch {
      return false; // storage blocked (sandboxed frame, privacy settings): nothing to read
    }
  };
  const currentPath = () => loc.pathname + (withHash ? loc.hash : '');

  const send: PulseCall = (eventType, options) => {
    if (off || ignored()) return;
    const event = {
      site_id: site,
      event_type: eventType,
      path: (options?.path || currentPath()).slice(0, 2048),
      timestamp: new Date().toISOString(),
    } as Record<string, string>;
    // Where the visitor came from: the server keeps only the referrer's host (docs/tracker.md).
    if (d.referrer) event.referrer = d.referrer.slice(0, 2048);
    const query = new URLSearchParams(loc.search);
    for (const name of ['utm_source', 'utm_medium', 'utm_campaign']) {
      const value = query.get(name);
      if (value) event[name] = value.slice(0, 256);
    }
    const body = JSON.stringify(event);
    const url = `${api}/event`;
    // sendBeacon sends text/plain and survives the page unloading; false means it was not queued.
    // fetch with keepalive is the next best; an image request works everywhere.
    if (!nav.sendBeacon?.(url, body)) {
      if (w.fetch)
        w.fetch(url, { method: 'POST', keepalive: true, body, headers: { 'Content-Type': 'text/plain' } }).catch(
          () => {},
        );
      else new Image().src = `${api}/pixel.gif?${new URLSearchParams(event)}`;
    }
  };

  let lastPath: string | undefined;
  const pageView = () => {
    const path = currentPath();
    if (path === lastPath) return;
    lastPath = path;
    send('page_view', { path });
  };

  const h = history;
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = h[method];
    h[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      pageView();
    };
  }
  w.addEventListener('popstate', pageView);
  if (withHash) w.addEventListener('hashchange', pageView);

  const queued = w.pulse?.q;
  w.pulse = send;
  // A page the browser prerenders (speculation rules) counts once the visitor actually sees it.
  if ((d as Document & { prerendering?: boolean }).prerendering)
    d.addEventListener('prerenderingchange', pageView, { once: true });
  else pageView();
  if (queued) for (const args of queued) send(args[0], args[1]);
}

export {};
