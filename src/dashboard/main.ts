// The dashboard page: picks a site, period and filters (kept in the URL), shows siteStats for them
// in the browser's time zone (or tz=), and for periods that include today follows liveStats over
// graphql-ws (docs/dashboard.md).
import 'uplot/dist/uPlot.min.css';
import './style.css';
import type { Client } from 'graphql-ws';
import { errorOf, type GraphQLErrorBody, type LiveState, liveClient, query, Unauthenticated } from './api.js';
import { Chart } from './chart.js';
import { DIMENSION_NAME } from './panels.js';
import { LIVE_SIGNAL, liveQuery, SITES, type Stats, statsQuery } from './queries.js';
import { setMessage, setMetric } from './render.js';
import { renderChips, renderPanels, renderTables, type TableOptions } from './tables.js';
import {
  browserZone,
  type Dimension,
  type Filter,
  type Period,
  readUrl,
  type Scope,
  scopeOf,
  timeZoneName,
  todayIn,
  toUrl,
  type View,
  withFilter,
  withoutFilter,
  zoneOf,
} from './view.js';

const KEY_STORAGE = 'pulse.apiKey';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  controls: $<HTMLFormElement>('controls'),
  site: $<HTMLSelectElement>('site'),
  period: $<HTMLSelectElement>('period'),
  tz: $<HTMLSelectElement>('tz'),
  visitors: $<HTMLInputElement>('visitors'),
  range: $('range'),
  from: $<HTMLInputElement>('from'),
  to: $<HTMLInputElement>('to'),
  live: $('live'),
  auth: $('auth'),
  authForm: $<HTMLFormElement>('auth-form'),
  authMessage: $('auth-message'),
  key: $<HTMLInputElement>('key'),
  message: $('message'),
  view: $('view'),
  title: $('scope-title'),
  views: document.querySelector('[data-metric="views"]') as HTMLElement,
  users: document.querySelector('[data-metric="uniqueUsers"]') as HTMLElement,
  events: document.querySelector('[data-metric="events"]') as HTMLElement,
  paths: $('paths'),
  types: $('types'),
  filtersBar: $('filters-bar'),
  filtersTitle: $('filters-title'),
  filters: $('filters'),
  campaignSwitch: [...document.querySelectorAll<HTMLButtonElement>('.switch button')],
  campaignColumn: $('campaigns-column'),
};
const chart = new Chart($('chart'));

let key: string | null = sessionStorage.getItem(KEY_STORAGE);
let view: View = readUrl(location.search);
let zone = zoneOf(view);
let scope: Scope = scopeOf(view, zone);
/** the campaign panel's field (the switch) */
let campaignBy: Dimension = 'UTM_SOURCE';
let shownStats: Stats | null = null;
/** drops answers to requests that a newer view has overtaken */
let generation = 0;

// ---- the API key --------------------------------------------------------------------------

let keyWaiter: ((key: string) => void) | null = null;
let keyAsked: Promise<string> | null = null;

/** Shows the key form; requests refused at the same time share one answer. */
function askForKey(message: string): Promise<string> {
  if (keyAsked) return keyAsked;
  ui.authMessage.textContent = message;
  ui.auth.hidden = false;
  ui.view.hidden = true;
  ui.controls.hidden = true;
  ui.key.value = '';
  ui.key.focus();
  keyAsked = new Promise((resolve) => {
    keyWaiter = resolve;
  });
  return keyAsked;
}

ui.authForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const value = ui.key.value.trim();
  if (!value || !keyWaiter) return;
  ui.auth.hidden = true;
  const resolve = keyWaiter;
  keyWaiter = null;
  keyAsked = null;
  resolve(value);
});

/**
 * Runs `work` with the current key; while the server refuses it, asks for one and tries again.
 * Requests refused together share one question (askForKey).
 */
async function withKey<T>(work: (key: string | null) => Promise<T>): Promise<T> {
  for (;;) {
    const used = key;
    try {
      return await work(used);
    } catch (error) {
      if (!(error instanceof Unauthenticated)) throw error;
      // A new key arrived while this request was out: try that one.
      if (key !== used) continue;
      if (keyAsked === null) {
        sessionStorage.removeItem(KEY_STORAGE);
        stopLive();
      }
      const next = await askForKey(
        used !== null
          ? 'That key was not accepted (UNAUTHENTICATED). Check it and enter it again.'
          : 'This Pulse server needs an API key to show stats.',
      );
      key = next;
      sessionStorage.setItem(KEY_STORAGE, next);
    }
  }
}

// ---- rendering ----------------------------------------------------------------------------

/** What a row click does: filter by it, keeping the focus on the page (the row is replaced). */
const tableOptions = (): TableOptions => ({
  campaignBy,
  onPick: (filter) => {
    navigate({ ...view, filters: withFilter(view.filters, filter) });
    ui.filtersTitle.focus();
  },
});

function render(stats: Stats): void {
  shownStats = stats;
  setMetric(ui.views, stats.totalViews);
  setMetric(ui.users, stats.uniqueUsers);
  setMetric(ui.events, stats.totalEvents);
  renderTables(stats, ui, tableOptions());
  chart.show(stats.series ?? [], scope.interval, zone);
}

function showFilters(filters: Filter[]): void {
  ui.filtersBar.hidden = filters.length === 0;
  renderChips(ui.filters, filters, (f) => {
    const index = view.filters.indexOf(f);
    navigate({ ...view, filters: withoutFilter(view.filters, f.dimension) });
    // The chip is gone: the focus goes to the next one's button, or to the title when none is left.
    const buttons = ui.filters.querySelectorAll<HTMLButtonElement>('button.remove');
    (buttons[Math.min(index, buttons.length - 1)] ?? ui.title).focus();
  });
}

for (const button of ui.campaignSwitch) {
  button.addEventListener('click', () => {
    campaignBy = button.dataset.dimension as Dimension;
    for (const b of ui.campaignSwitch) b.setAttribute('aria-pressed', String(b === button));
    ui.campaignColumn.textContent = DIMENSION_NAME[campaignBy];
    if (shownStats) renderPanels(shownStats, tableOptions());
  });
}

/**
 * The time zone choices: the browser's (the default, value ''), UTC, then every zone the browser
 * knows, and the URL's own spelling when it is none of those.
 */
function fillZones(): void {
  const own = browserZone();
  const names = new Set(['UTC', ...(Intl.supportedValuesOf?.('timeZone') ?? [])]);
  names.delete(own);
  const options = [new Option(`${own} (this browser)`, ''), ...[...names].map((n) => new Option(n, n))];
  const asked = timeZoneName(view.tz);
  if (asked && asked !== own && !names.has(asked)) options.splice(1, 0, new Option(asked, asked));
  ui.tz.replaceChildren(...options);
}

/** Puts the view into the period and zone controls. */
function syncPeriod(): void {
  const asked = timeZoneName(view.tz);
  ui.tz.value = asked && asked !== browserZone() ? asked : '';
  if (ui.tz.selectedIndex < 0) fillZones();
  ui.tz.value = asked && asked !== browserZone() ? asked : '';
  ui.period.value = view.period;
  ui.visitors.checked = view.visitors;
  ui.range.hidden = view.period !== 'custom';
  ui.from.value = view.from ?? '';
  ui.to.value = view.to ?? '';
}

function showControls(sites: string[]): void {
  const options = sites.map((s) => new Option(s, s));
  ui.site.replaceChildren(...options);
  ui.site.value = view.site ?? '';
  fillZones();
  syncPeriod();
  ui.controls.hidden = false;
}

const LIVE_TEXT: Record<LiveState | 'off', string> = {
  connecting: 'Connecting for live updates…',
  live: '● Live',
  reconnecting: 'Connection lost: reconnecting…',
  refused: 'Live updates refused: the key was not accepted.',
  off: '',
};

function setLive(state: LiveState | 'off'): void {
  ui.live.textContent = LIVE_TEXT[state];
  ui.live.dataset.state = state;
}

// ---- loading ------------------------------------------------------------------------------

async function load(quiet = false): Promise<void> {
  const mine = ++generation;
  const site = view.site;
  if (!site) return;
  zone = zoneOf(view);
  scope = scopeOf(view, zone);
  ui.title.textContent = `${site} · ${scope.title}`;
  showFilters(view.filters);
  ui.view.classList.toggle('show-visitors', view.visitors);
  if (!quiet) document.title = `${site} · Pulse`;
  try {
    const data = await withKey((k) =>
      query<{ siteStats: Stats }>(
        statsQuery(view.visitors),
        {
          siteId: site,
          date: scope.date,
          from: scope.from,
          to: scope.to,
          interval: scope.interval,
          timeZone: zone,
          filters: view.filters.length > 0 ? view.filters : null,
        },
        k,
      ),
    );
    if (mine !== generation) return;
    setMessage(ui.message, view.tz && !timeZoneName(view.tz) ? `Unknown time zone "${view.tz}": showing ${zone}.` : '');
    ui.view.hidden = false;
    // (the controls appear with the list of sites, showControls)
    ui.controls.hidden = ui.site.options.length === 0;
    render(data.siteStats);
  } catch (error) {
    if (mine === generation) setMessage(ui.message, `Could not load the stats: ${(error as Error).message}`);
  }
  if (mine === generation) follow();
}

// ---- live updates -------------------------------------------------------------------------

let client: Client | null = null;
/** the socket's last state (a lazy client also closes when nothing is followed) */
let socketState: LiveState = 'connecting';
/** followed: the site, zone and mode (pushes rendered, with or without visitors, or a signal) */
let subscription: { followed: string; stop: () => void } | null = null;
let requery: ReturnType<typeof setTimeout> | null = null;

function stopLive(): void {
  subscription?.stop();
  subscription = null;
  void client?.dispose();
  client = null;
  setLive('off');
}

/** Pushes are shown as they come: today, no filters (liveStats takes none). */
const rendersPushes = () => scope.today && view.filters.length === 0;

/** Follows liveStats for the view's site (in its zone) while its period includes today. */
function follow(): void {
  const site = view.site;
  if (!site || !scope.live) {
    subscription?.stop();
    subscription = null;
    setLive('off');
    return;
  }
  const rendered = rendersPushes();
  const mode = rendered ? (view.visitors ? 'stats+visitors' : 'stats') : 'signal';
  const followed = JSON.stringify([site, zone, mode]);
  if (subscription?.followed === followed) return;
  subscription?.stop();
  if (!client) {
    socketState = 'connecting';
    const mine: Client = liveClient(key, (state) => {
      if (client !== mine) return;
      socketState = state;
      if (subscription) setLive(state);
    });
    client = mine;
  }
  const stop = client.subscribe<{ liveStats: Stats }>(
    { query: rendered ? liveQuery(view.visitors) : LIVE_SIGNAL, variables: { siteId: site, timeZone: zone } },
    {
      next: (result) => {
        if (result.errors?.length) return onLiveError(result.errors as GraphQLErrorBody[]);
        const stats = result.data?.liveStats;
        if (stats && subscription?.followed === followed) onPush(stats);
      },
      error: (error) => {
        if (Array.isArray(error)) onLiveError(error as GraphQLErrorBody[]);
      },
      complete: () => undefined,
    },
  );
  subscription = { followed, stop };
  setLive(socketState === 'live' || socketState === 'refused' ? socketState : 'connecting');
}

function onPush(stats: Stats): void {
  if (rendersPushes() && stats.date === scope.date) {
    render(stats);
    return;
  }
  // A range, filters (or a new day): read the whole view again, at most about once a second.
  if (requery) return;
  requery = setTimeout(() => {
    requery = null;
    void load(true);
  }, 1000);
}

function onLiveError(errors: GraphQLErrorBody[]): void {
  const error = errorOf(errors);
  if (error instanceof Unauthenticated) {
    // The socket may lack the key the HTTP query had: start over with the key check.
    stopLive();
    void load();
    return;
  }
  setMessage(ui.message, `Live updates stopped: ${error.message}`);
}

// ---- navigation ---------------------------------------------------------------------------

function navigate(next: View, replace = false): void {
  view = next;
  const url = toUrl(view);
  if (url !== location.search) history[replace ? 'replaceState' : 'pushState'](null, '', url);
  syncPeriod();
  void load();
}

ui.site.addEventListener('change', () => navigate({ ...view, site: ui.site.value }));
ui.tz.addEventListener('change', () => navigate({ ...view, tz: ui.tz.value || null }));
ui.visitors.addEventListener('change', () => navigate({ ...view, visitors: ui.visitors.checked }));
ui.period.addEventListener('change', () => {
  const period = ui.period.value as Period;
  if (period === 'custom') {
    // Start the custom range from what is shown, and let the user change it.
    ui.range.hidden = false;
    ui.from.value ||= scope.from ?? scope.date ?? todayIn(zone);
    ui.to.value ||= scope.to ?? scope.date ?? todayIn(zone);
    ui.from.focus();
    return;
  }
  navigate({ ...view, period, from: null, to: null });
});
ui.controls.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!ui.from.value || !ui.to.value) return;
  const [from, to] = ui.from.value <= ui.to.value ? [ui.from.value, ui.to.value] : [ui.to.value, ui.from.value];
  navigate({ ...view, period: 'custom', from, to });
});
window.addEventListener('popstate', () => {
  view = readUrl(location.search);
  showControls([...ui.site.options].map((o) => o.value));
  void load();
});

async function start(): Promise<void> {
  // With a site in the URL its stats load beside the list of sites, not after it.
  const early = view.site !== null;
  if (early) navigate(view, true);
  try {
    const { sites } = await withKey((k) => query<{ sites: { siteId: string }[] }>(SITES, {}, k));
    const ids = sites.map((s) => s.siteId);
    // A site from the URL with no events yet still opens (and fills as events arrive).
    if (view.site && !ids.includes(view.site)) ids.unshift(view.site);
    if (ids.length === 0) {
      setMessage(ui.message, 'No events stored yet. Record some (see the API docs), then reload this page.');
      return;
    }
    view = { ...view, site: view.site ?? (ids[0] as string) };
    showControls(ids);
    if (!early) navigate(view, true);
  } catch (error) {
    setMessage(ui.message, `Could not load the sites: ${(error as Error).message}`);
  }
}

void start();
